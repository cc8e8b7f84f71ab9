import { InvalidBodyError } from './errors.js';

export const MAX_BODY_LENGTH = 1600;

// A high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The text of a message: 1 to 1600 UTF-16 code units of well-formed Unicode. */
export class MessageBody {
  static readonly RULE = `must be 1 to ${MAX_BODY_LENGTH} characters long`;

  private constructor(readonly value: string) {}

  static parse(raw: unknown): MessageBody {
    if (typeof raw !== 'string') throw new InvalidBodyError('body must be a string');
    if (raw.length < 1 || raw.length > MAX_BODY_LENGTH) {
      throw new InvalidBodyError(`body ${MessageBody.RULE} (it has ${raw.length})`);
    }
    if (UNPAIRED_SURROGATE.test(raw)) {
      throw new InvalidBodyError('body must be well-formed Unicode text (it contains an unpaired surrogate)');
    }
    return new MessageBody(raw);
  }

  equals(other: MessageBody): boolean {
    return this.value === other.value;
  }

  toString(): string {
    return this.value;
  }
}
