import type { PhoneNumber } from '../../domain/phone-number.js';
import type { NumberingPlan } from '../ports/numbering-plan.js';
import { DestinationNotAllowedError } from './guard-errors.js';

export interface DestinationSettings {
  /** Country calling codes a receiver may have; every code when undefined. */
  readonly allowedCallingCodes?: readonly string[];
  /** E.164 prefixes (`+88213`) no receiver may start with. */
  readonly blockedPrefixes: readonly string[];
}

/** Where messages may go: the defence against SMS pumping to premium and unusual destinations. */
export class DestinationPolicy {
  private readonly allowed?: ReadonlySet<string>;

  constructor(
    private readonly settings: DestinationSettings,
    private readonly numberingPlan: NumberingPlan,
  ) {
    this.allowed = settings.allowedCallingCodes === undefined ? undefined : new Set(settings.allowedCallingCodes);
  }

  check(receiver: PhoneNumber): void {
    if (this.allowed !== undefined) {
      const code = this.numberingPlan.callingCodeOf(receiver.value);
      if (code === undefined || !this.allowed.has(code)) {
        const shown = code === undefined ? 'an unassigned calling code' : `calling code +${code}`;
        throw new DestinationNotAllowedError(
          `destination not allowed: the receiver has ${shown}, not one of the allowed ${[...this.allowed].map((c) => `+${c}`).join(', ')}`,
        );
      }
    }
    const blocked = this.settings.blockedPrefixes.find((prefix) => receiver.value.startsWith(prefix));
    if (blocked !== undefined) {
      throw new DestinationNotAllowedError(`destination not allowed: the receiver starts with the blocked prefix ${blocked}`);
    }
  }
}
