import { expect } from 'chai';
import { backoffHoldMs, decideBackoff } from '../../../src/application/guards/receiver-backoff.js';

const SETTINGS = { resetAfterMs: 120_000, maxWaitMs: 8_000 };

describe('per-receiver back-off', () => {
  it('holds the k-th send 2^(k-2) seconds: 0, 1, 2, 4, 8, 16…', () => {
    expect([1, 2, 3, 4, 5, 6].map(backoffHoldMs)).to.deep.equal([0, 1000, 2000, 4000, 8000, 16000]);
  });

  it('counts sends within the window and refuses the one that would wait more than the maximum', () => {
    let state;
    const holds: number[] = [];
    let now = 0;
    for (let k = 1; k <= 5; k++) {
      const { decision, next } = decideBackoff(state, now, SETTINGS);
      expect(decision.refused).to.equal(false);
      holds.push(decision.holdMs);
      state = next;
      now += 100;
    }
    expect(holds).to.deep.equal([0, 1000, 2000, 4000, 8000]);
    const sixth = decideBackoff(state, now, SETTINGS);
    expect(sixth.decision).to.deep.include({ refused: true, holdMs: 16000 });
    expect(sixth.next).to.equal(undefined);
  });

  it('answers, with a refusal, the time until the window has passed since the last accepted send', () => {
    const state = { count: 5, lastMs: 10_000 };
    expect(decideBackoff(state, 20_000, SETTINGS).decision).to.deep.include({ refused: true, retryAfterMs: 110_000 });
  });

  it('counts the window from the last accepted send, held time included', () => {
    const { next } = decideBackoff({ count: 1, lastMs: 0 }, 500, SETTINGS);
    expect(next).to.deep.equal({ count: 2, lastMs: 1500 });
  });

  it('starts again once the window has passed', () => {
    const { decision, next } = decideBackoff({ count: 5, lastMs: 0 }, 120_000, SETTINGS);
    expect(decision).to.deep.equal({ refused: false, holdMs: 0, reservation: { count: 1, lastMs: 120_000 } });
    expect(next).to.deep.equal({ count: 1, lastMs: 120_000 });
  });
});
