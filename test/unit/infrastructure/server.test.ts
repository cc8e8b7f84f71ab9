import { expect } from 'chai';
import express from 'express';
import { listen } from '../../../src/infrastructure/server.js';

describe('listen().close', () => {
  it('lets a request in flight finish, then closes', async () => {
    const app = express();
    let arrived!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    app.get('/slow', (_req, res) => {
      arrived();
      setTimeout(() => res.json({ ok: true }), 150);
    });
    const running = await listen(app, 0, '127.0.0.1');
    const answer = fetch(`http://127.0.0.1:${running.port}/slow`).then((r) => r.status);
    await arrival;
    await running.close(5000);
    expect(await answer).to.equal(200);
  });

  it('cuts a request that outlives the grace period', async () => {
    const app = express();
    let arrived!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    app.get('/never', () => {
      arrived(); // and never answers
    });
    const running = await listen(app, 0, '127.0.0.1');
    const answer = fetch(`http://127.0.0.1:${running.port}/never`).then(
      () => 'answered',
      () => 'cut',
    );
    await arrival;
    const started = Date.now();
    await running.close(200);
    expect(Date.now() - started).to.be.within(150, 2000);
    expect(await answer).to.equal('cut');
  });
});
