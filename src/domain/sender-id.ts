import { InvalidSenderError } from './errors.js';
import { E164_PATTERN } from './phone-number.js';

/** Alphanumeric sender ID: 1 to 11 of A-Z, a-z, 0-9 and space, with at least one letter. */
export const ALPHANUMERIC_SENDER_PATTERN = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;

export type SenderKind = 'phone-number' | 'alphanumeric';

/** Who the message says it is from: an E.164 number or an alphanumeric sender ID. */
export class SenderId {
  static readonly RULE =
    'must be an E.164 phone number (e.g. +15558675310) or an alphanumeric sender ID of 1 to 11 letters, digits and spaces with at least one letter';

  private constructor(
    readonly value: string,
    readonly kind: SenderKind,
  ) {}

  static parse(raw: unknown): SenderId {
    if (typeof raw !== 'string') throw new InvalidSenderError('sender must be a string');
    if (E164_PATTERN.test(raw)) return new SenderId(raw, 'phone-number');
    if (ALPHANUMERIC_SENDER_PATTERN.test(raw)) return new SenderId(raw, 'alphanumeric');
    throw new InvalidSenderError(`sender ${SenderId.RULE}`);
  }

  equals(other: SenderId): boolean {
    return this.value === other.value;
  }

  toString(): string {
    return this.value;
  }
}
