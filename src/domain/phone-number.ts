import { InvalidReceiverError } from './errors.js';

/** E.164: a plus sign, then 2 to 15 digits, the first of which is not 0. */
export const E164_PATTERN = /^\+[1-9][0-9]{1,14}$/;

/** An E.164 phone number. Written forms with spaces, dashes, brackets or a 00 prefix are refused, not guessed at. */
export class PhoneNumber {
  static readonly RULE = 'must be an E.164 phone number, e.g. +15558675310';

  private constructor(readonly value: string) {}

  static parse(raw: unknown): PhoneNumber {
    if (typeof raw !== 'string') throw new InvalidReceiverError('receiver must be a string');
    if (!E164_PATTERN.test(raw)) throw new InvalidReceiverError(`receiver ${PhoneNumber.RULE}`);
    return new PhoneNumber(raw);
  }

  equals(other: PhoneNumber): boolean {
    return this.value === other.value;
  }

  toString(): string {
    return this.value;
  }
}
