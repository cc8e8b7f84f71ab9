import { expect } from 'chai';
import { PreviewSegments } from '../../../src/application/preview-segments.js';
import { InvalidBodyError } from '../../../src/domain/errors.js';

describe('PreviewSegments', () => {
  it('answers the cost of the body as it would be sent', () => {
    const cost = new PreviewSegments({ smartEncoding: false }).execute({ body: 'a'.repeat(161) });
    expect(cost.segments).to.include({ encoding: 'GSM-7', numSegments: 2, unitsPerSegment: 153 });
  });

  it('applies Smart Encoding by request or by default', () => {
    expect(new PreviewSegments({ smartEncoding: false }).execute({ body: 'It\u2019s', smartEncoding: true }).smartEncoding.applied).to.equal(true);
    expect(new PreviewSegments({ smartEncoding: true }).execute({ body: 'It\u2019s' }).smartEncoding.applied).to.equal(true);
    expect(new PreviewSegments({ smartEncoding: true }).execute({ body: 'It\u2019s', smartEncoding: false }).smartEncoding.applied).to.equal(false);
  });

  it('refuses a body /send would refuse', () => {
    expect(() => new PreviewSegments({ smartEncoding: false }).execute({ body: '' })).to.throw(InvalidBodyError);
  });
});
