import { expect } from 'chai';
import { createServer, type AddressInfo } from 'node:net';
import { startEmulator } from '../../emulator/provider-emulator.js';
import { spawnService, waitUntilListening } from '../support/process.js';
import { TEST_ACCOUNT_SID } from '../support/service.js';

describe('the service process', function () {
  this.timeout(30000);

  it('exits 1 before listening, listing every configuration problem without echoing a secret', async () => {
    const service = spawnService({
      SERVICE_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: 'not-a-sid-but-a-secret-123',
      TWILIO_BASE_URL: 'http://203.0.113.5',
      HTTP_PORT: 'eighty',
    });
    expect(await service.exited).to.equal(1);
    const stderr = service.stderr();
    expect(stderr).to.include('invalid configuration')
      .and.include('TWILIO_ACCOUNT_SID must be')
      .and.include('TWILIO_AUTH_TOKEN is required')
      .and.include('TWILIO_BASE_URL must be')
      .and.include('HTTP_PORT must be');
    expect(stderr + service.stdout()).not.to.include('not-a-sid-but-a-secret-123');
    expect(service.stdout()).not.to.include('listening');
  });

  it('exits 1 with a hint naming HTTP_PORT when the port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, resolve));
    try {
      const port = String((taken.address() as AddressInfo).port);
      const service = spawnService({ HTTP_PORT: port });
      expect(await service.exited).to.equal(1);
      expect(service.stderr()).to.include('EADDRINUSE').and.include(`another program listens on port ${port}`).and.include('HTTP_PORT');
    } finally {
      taken.close();
    }
  });

  it('refuses to start in production without SERVICE_PROVIDER', async () => {
    const service = spawnService({ NODE_ENV: 'production', HTTP_PORT: '0' });
    expect(await service.exited).to.equal(1);
    expect(service.stderr()).to.include('SERVICE_PROVIDER is required when NODE_ENV=production');
  });

  it('starts on the sandbox when SERVICE_PROVIDER is unset, with a warning', async () => {
    const service = spawnService({ HTTP_PORT: '0' });
    try {
      await waitUntilListening(service);
      expect(service.stdout()).to.include('SERVICE_PROVIDER is not set: using the sandbox');
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
    }
  });

  it('warns at start in production when API_KEYS is not set, and not when it is', async () => {
    for (const [apiKeys, warned] of [
      ['', true],
      ['production-key-0123456789', false],
    ] as const) {
      const service = spawnService({ NODE_ENV: 'production', SERVICE_PROVIDER: 'sandbox', HTTP_PORT: '0', API_KEYS: apiKeys });
      try {
        await waitUntilListening(service);
        expect(service.stdout().includes('API_KEYS is not set'), apiKeys).to.equal(warned);
        expect(service.stdout()).not.to.include('production-key-0123456789');
      } finally {
        service.child.kill('SIGTERM');
        await service.exited;
      }
    }
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`on ${signal} stops accepting, finishes the request in flight and exits 0`, async () => {
      // Long enough that, on a loaded machine too, the refusal is seen before the request in flight is answered.
      const emulator = await startEmulator({ latencyMs: 2000 });
      const service = spawnService({
        SERVICE_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: 'token',
        TWILIO_BASE_URL: emulator.url,
        HTTP_PORT: '0',
      });
      try {
        const port = await waitUntilListening(service);
        const inFlight = fetch(`http://127.0.0.1:${port}/send`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ sender: '+15017122661', receiver: '+15558675310', body: 'in flight' }),
        });
        let answered = false;
        void inFlight.then(() => (answered = true));
        while (emulator.count() === 0) await new Promise((resolve) => setTimeout(resolve, 20));
        service.child.kill(signal);
        // New connections are refused while the request in flight is still being answered.
        let newConnection = 'answered';
        for (let i = 0; i < 50 && newConnection === 'answered'; i++) {
          newConnection = await fetch(`http://127.0.0.1:${port}/-/healthz`).then(() => 'answered', () => 'refused');
          if (newConnection === 'answered') await new Promise((resolve) => setTimeout(resolve, 10));
        }
        expect(newConnection).to.equal('refused');
        expect(answered, 'the request in flight is still open when new connections are refused').to.equal(false);
        const response = await inFlight;
        expect(response.status).to.equal(200);
        expect(await service.exited).to.equal(0);
        expect(service.stdout()).to.include('shutting down').and.include('"stopped"');
        const refused = await fetch(`http://127.0.0.1:${port}/-/healthz`).then(() => 'answered', () => 'refused');
        expect(refused).to.equal('refused');
      } finally {
        service.child.kill('SIGKILL');
        await emulator.close();
      }
    });
  }

  it('with SHUTDOWN_DELAY_MS, answers 503 on /-/ready and still serves until the delay is over, then exits 0', async () => {
    const service = spawnService({ SERVICE_PROVIDER: 'sandbox', HTTP_PORT: '0', SHUTDOWN_DELAY_MS: '1500' });
    try {
      const port = await waitUntilListening(service);
      const url = `http://127.0.0.1:${port}`;
      expect((await fetch(`${url}/-/ready`)).status).to.equal(200);
      const signalled = Date.now();
      service.child.kill('SIGTERM');
      let ready = 200;
      while (ready === 200 && Date.now() - signalled < 1000) ready = (await fetch(`${url}/-/ready`)).status;
      expect(ready).to.equal(503);
      const sent = await fetch(`${url}/send`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ sender: 'ACME', receiver: '+15558675310', body: 'during the delay' }),
      });
      expect(sent.status).to.equal(200);
      expect(await service.exited).to.equal(0);
      expect(Date.now() - signalled).to.be.at.least(1400);
    } finally {
      service.child.kill('SIGKILL');
    }
  });
});
