/** The Idempotency-Key is held by a request that has not finished yet. */
export class IdempotencyKeyInFlightError extends Error {
  constructor() {
    super('a request with this Idempotency-Key is still in progress; retry once it has finished to get its answer');
    this.name = 'IdempotencyKeyInFlightError';
  }
}

/** The Idempotency-Key was first used with another request body. */
export class IdempotencyKeyReusedError extends Error {
  constructor() {
    super('this Idempotency-Key was already used with a different request body; use a new key for a new message');
    this.name = 'IdempotencyKeyReusedError';
  }
}

/** The Idempotency-Key header is not 1 to 255 printable ASCII characters. */
export class InvalidIdempotencyKeyError extends Error {
  constructor() {
    super('Idempotency-Key must be 1 to 255 printable ASCII characters');
    this.name = 'InvalidIdempotencyKeyError';
  }
}
