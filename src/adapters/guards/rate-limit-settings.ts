import type { BackoffSettings } from '../../application/guards/receiver-backoff.js';

export interface GuardStoreSettings {
  readonly rateLimit: { readonly maxRequests: number; readonly windowMs: number };
  readonly backoff: BackoffSettings;
}
