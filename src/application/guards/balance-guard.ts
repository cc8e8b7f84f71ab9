import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { ProviderBalance } from '../ports/provider-balance.js';
import { ProviderBalanceExhaustedError } from './guard-errors.js';

export const BALANCE_CACHE_MS = 30_000;
// After a failed balance call, sends go on and the call is not retried for this long.
const FAILURE_CACHE_MS = 5_000;

interface Known {
  readonly exhausted: boolean | undefined;
  readonly until: number;
}

/** Refuses to send while the provider reports an empty balance; the balance is asked at most every 30 s. */
export class BalanceGuard {
  private known: Known | undefined;
  private inFlight: Promise<Known> | undefined;

  constructor(
    private readonly balance: ProviderBalance,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async check(): Promise<void> {
    const now = this.clock.now().getTime();
    const known = this.known !== undefined && this.known.until > now ? this.known : await this.refresh();
    if (known.exhausted === true) throw new ProviderBalanceExhaustedError(this.balance.provider);
  }

  private refresh(): Promise<Known> {
    // One balance call at a time, however many sends are waiting for it.
    this.inFlight ??= this.balance
      .fetchBalance()
      .then(
        (balance): Known => {
          if (balance.amount <= 0) this.logger.warn('provider balance exhausted: refusing sends', { provider: this.balance.provider });
          return { exhausted: balance.amount <= 0, until: this.clock.now().getTime() + BALANCE_CACHE_MS };
        },
        (error: unknown): Known => {
          this.logger.warn('provider balance could not be read: sending anyway', {
            provider: this.balance.provider,
            reason: error instanceof Error ? error.message : String(error),
          });
          return { exhausted: undefined, until: this.clock.now().getTime() + FAILURE_CACHE_MS };
        },
      )
      .then((known) => {
        this.known = known;
        this.inFlight = undefined;
        return known;
      });
    return this.inFlight;
  }
}
