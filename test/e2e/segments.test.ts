import { expect } from 'chai';
import request from 'supertest';
import { startEmulator, type Emulator } from '../../emulator/provider-emulator.js';
import { VALID } from '../support/builders.js';
import { startService, twilioEnv, type RunningService } from '../support/service.js';

// 84 UTF-16 units, UCS-2 because of a curly apostrophe and a no-break space: 2 parts, 1 with Smart Encoding.
const CURLY = `It\u2019s\u00a0${'a'.repeat(79)}`;

describe('billing truth (end to end)', () => {
  let emulator: Emulator;
  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.close());
  beforeEach(() => emulator.reset());

  describe('POST /segments', () => {
    let service: RunningService;
    before(async () => {
      service = await startService(twilioEnv(emulator.url));
    });
    after(() => service.close());

    const preview = (body: unknown) =>
      request(service.url).post('/segments').set('Content-Type', 'application/json').send(JSON.stringify(body));

    it('answers encoding, count, units, capacity, the characters that forced UCS-2 and each part', async () => {
      const res = await preview({ body: CURLY }).expect(200);
      expect(res.body).to.deep.equal({
        encoding: 'UCS-2',
        numSegments: 2,
        characters: 84,
        unitsPerSegment: 67,
        nonGsmCharacters: ['\u2019', '\u00a0'],
        segments: [CURLY.slice(0, 67), CURLY.slice(67)],
        smartEncoding: { applied: false, numSegmentsIfApplied: 1 },
      });
      expect(emulator.count()).to.equal(0);
    });

    it('turns UCS-2 text into GSM-7 with "smartEncoding": true, and shows the parts as they would go', async () => {
      const res = await preview({ body: CURLY, smartEncoding: true }).expect(200);
      expect(res.body).to.deep.equal({
        encoding: 'GSM-7',
        numSegments: 1,
        characters: 84,
        unitsPerSegment: 160,
        nonGsmCharacters: [],
        segments: [`It's ${'a'.repeat(79)}`],
        smartEncoding: { applied: true, numSegmentsIfApplied: 1 },
      });
    });

    it('counts extension characters as two septets and keeps them whole', async () => {
      const res = await preview({ body: ']'.repeat(153) }).expect(200);
      expect(res.body).to.include({ encoding: 'GSM-7', numSegments: 3, characters: 306, unitsPerSegment: 153 });
      expect(res.body.segments.map((part: string) => part.length)).to.deep.equal([76, 76, 1]);
    });

    it('keeps a skin-tone emoji whole across a part boundary', async () => {
      const body = `${'a'.repeat(65)}👍🏽${'a'.repeat(64)}`;
      const res = await preview({ body }).expect(200);
      expect(res.body.numSegments).to.equal(3);
      expect(res.body.segments[1].startsWith('👍🏽')).to.equal(true);
    });

    it('validates like /send: 400 in the same shape', async () => {
      for (const [body, message] of [
        [{}, 'body is required'],
        [{ body: '' }, 'body must be 1 to 1600 characters long'],
        [{ body: 'a'.repeat(1601) }, 'body must be 1 to 1600 characters long'],
        [{ body: 'x', receiver: '+15558675310' }, '"receiver" is not an accepted field'],
        [{ body: 'x', smartEncoding: 'yes' }, 'smartEncoding must be a boolean'],
      ] as const) {
        const res = await preview(body).expect(400);
        expect(res.body).to.include({ statusCode: '400', error: 'Bad Request' });
        expect(res.body.message).to.include(message);
      }
    });

    it('answers 415 without JSON and 405 for another method', async () => {
      await request(service.url).post('/segments').send('body=x').expect(415);
      await request(service.url).get('/segments').expect(405).expect('Allow', 'POST');
    });
  });

  describe('Smart Encoding on POST /send', () => {
    let service: RunningService;
    before(async () => {
      service = await startService(twilioEnv(emulator.url));
    });
    after(() => service.close());

    const send = (body: unknown) => request(service.url).post('/send').set('Content-Type', 'application/json').send(JSON.stringify(body));

    it('sends the GSM-7 text and answers its count with "smartEncoding": true', async () => {
      const res = await send({ ...VALID, body: CURLY, smartEncoding: true }).expect(200);
      expect(res.body.numSegments).to.equal('1');
      expect(emulator.calls()[0]?.form.Body).to.equal(`It's ${'a'.repeat(79)}`);
    });

    it('sends the text untouched without it', async () => {
      const res = await send({ ...VALID, body: CURLY }).expect(200);
      expect(res.body.numSegments).to.equal('2');
      expect(emulator.calls()[0]?.form.Body).to.equal(CURLY);
    });

    it('refuses a smartEncoding that is not a boolean', async () => {
      await send({ ...VALID, smartEncoding: 'true' }).expect(400);
      expect(emulator.count()).to.equal(0);
    });
  });

  it('applies Smart Encoding to every message with SMART_ENCODING=true', async () => {
    const service = await startService(twilioEnv(emulator.url, { SMART_ENCODING: 'true' }));
    try {
      await request(service.url).post('/send').set('Content-Type', 'application/json').send(JSON.stringify({ ...VALID, body: CURLY })).expect(200);
      expect(emulator.calls()[0]?.form.Body).to.equal(`It's ${'a'.repeat(79)}`);
      const preview = await request(service.url).post('/segments').set('Content-Type', 'application/json').send(JSON.stringify({ body: CURLY })).expect(200);
      expect(preview.body.smartEncoding.applied).to.equal(true);
    } finally {
      await service.close();
    }
  });

  describe('MAX_SEGMENTS', () => {
    let service: RunningService;
    before(async () => {
      service = await startService(twilioEnv(emulator.url, { MAX_SEGMENTS: '2' }));
    });
    after(() => service.close());

    const send = (body: unknown) => request(service.url).post('/send').set('Content-Type', 'application/json').send(JSON.stringify(body));

    it('refuses a body that needs more parts with 400 giving the count and the cap, and calls no provider', async () => {
      const res = await send({ ...VALID, body: 'a'.repeat(307) }).expect(400);
      expect(res.body).to.deep.equal({
        statusCode: '400',
        error: 'Bad Request',
        message: 'body needs 3 segments as GSM-7, more than the maximum of 2',
      });
      expect(emulator.count()).to.equal(0);
    });

    it('sends a body at the cap', async () => {
      await send({ ...VALID, body: 'a'.repeat(306) }).expect(200);
      expect(emulator.count()).to.equal(1);
    });

    it('still previews a body over the cap on /segments', async () => {
      const res = await request(service.url).post('/segments').set('Content-Type', 'application/json').send(JSON.stringify({ body: 'a'.repeat(307) })).expect(200);
      expect(res.body.numSegments).to.equal(3);
    });
  });
});
