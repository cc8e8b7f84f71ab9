import { expect } from 'chai';
import { parseFaultRule } from '../../emulator/provider-emulator.js';

describe('emulator fault rules', () => {
  it('accepts the documented kinds', () => {
    for (const rule of [
      { fault: { kind: 'status', status: 429, retryAfter: '3' }, times: 1 },
      { fault: { kind: 'hang' }, provider: 'twilio' },
      { fault: { kind: 'delay', ms: 20 } },
      { fault: { kind: 'reset' } },
    ]) {
      expect(parseFaultRule(JSON.stringify(rule))).to.deep.equal(rule);
    }
  });

  for (const raw of ['x', 'null', '{}', '{"fault":{"kind":"status"}}', '{"fault":{"kind":"status","status":99}}', '{"fault":{"kind":"boom"}}', '{"fault":{"kind":"hang"},"times":0}', '{"fault":{"kind":"hang"},"provider":"nexmo"}']) {
    it(`refuses ${raw}`, () => {
      expect(parseFaultRule(raw)).to.equal(undefined);
    });
  }
});
