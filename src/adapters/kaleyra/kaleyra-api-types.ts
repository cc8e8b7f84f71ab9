/** Kaleyra `POST /v1/{sid}/messages` answer (https://developers.kaleyra.io/docs/send-your-first-sms). */
export interface KaleyraSendResponse {
  id?: string;
  type?: string;
  sender?: string;
  createdDateTime?: string;
  totalCount?: number;
  data?: Array<{ message_id?: string; recipient?: string }>;
  /** Empty on success; carries the reason otherwise. */
  error?: Record<string, unknown> | string;
}

/** Kaleyra's error body. */
export interface KaleyraErrorBody {
  code?: string;
  message?: string;
  error?: Record<string, unknown>;
}

export type KaleyraMessageType = 'DEFAULT' | 'OTP' | 'TXN' | 'MKT';
export const KALEYRA_MESSAGE_TYPES: readonly KaleyraMessageType[] = ['DEFAULT', 'OTP', 'TXN', 'MKT'];
