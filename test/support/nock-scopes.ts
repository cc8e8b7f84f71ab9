import { expect } from 'chai';
import nock from 'nock';

/**
 * For an afterEach: fails the test when an interceptor it set up was never called, so a mapping test cannot pass
 * on an error raised by an unmatched request instead of on the answer it scripted.
 */
export function expectEveryInterceptorCalled(): void {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending, 'interceptors the adapter never called').to.deep.equal([]);
}
