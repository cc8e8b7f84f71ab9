import nock from 'nock';
import sinon from 'sinon';

// No test may reach the network: only loopback, where the app under test and the emulator listen.
nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);

const unhandled: unknown[] = [];
process.on('unhandledRejection', (reason) => {
  unhandled.push(reason);
});

export const mochaHooks = {
  afterEach(): void {
    sinon.restore();
    nock.cleanAll();
    if (unhandled.length > 0) {
      const reasons = unhandled.splice(0).map(String).join('; ');
      throw new Error(`unhandled promise rejection during the test: ${reasons}`);
    }
  },
};
