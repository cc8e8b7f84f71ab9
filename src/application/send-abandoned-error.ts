/** The caller went away (HTTP client disconnected, batch interrupted) before the message reached a provider: nothing was sent. */
export class SendAbandonedError extends Error {
  constructor() {
    super('the request was abandoned before the message was sent; nothing was sent');
    this.name = 'SendAbandonedError';
  }
}
