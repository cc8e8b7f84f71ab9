/** A rule of the domain was broken. `code` is stable and safe to match on; `message` is for people. */
export abstract class DomainError extends Error {
  abstract readonly code: string;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidReceiverError extends DomainError {
  readonly code = 'SMS.INVALID_RECEIVER';
}

export class InvalidSenderError extends DomainError {
  readonly code = 'SMS.INVALID_SENDER';
}

export class InvalidBodyError extends DomainError {
  readonly code = 'SMS.INVALID_BODY';
}

export class TooManySegmentsError extends DomainError {
  readonly code = 'SMS.TOO_MANY_SEGMENTS';

  constructor(
    readonly numSegments: number,
    readonly maxSegments: number,
    detail: string,
  ) {
    super(`body needs ${numSegments} segments${detail}, more than the maximum of ${maxSegments}`);
  }
}
