import { expect } from 'chai';
import request from 'supertest';
import { startEmulator, type Emulator } from '../../emulator/provider-emulator.js';
import { startService, twilioEnv, type RunningService } from '../support/service.js';
import { VALID } from '../support/builders.js';


describe('POST /send: the request contract (end to end, Twilio adapter → emulator)', () => {
  let emulator: Emulator;
  let service: RunningService;

  before(async () => {
    emulator = await startEmulator();
    service = await startService(twilioEnv(emulator.url));
  });
  after(async () => {
    await service.close();
    await emulator.close();
  });
  beforeEach(() => emulator.reset());

  const send = (body: unknown) => request(service.url).post('/send').set('Content-Type', 'application/json').send(JSON.stringify(body));

  describe('accepted requests', () => {
    it('answers 200 with dateEvent, numSegments, sid, status and provider, all strings', async () => {
      const before = Date.now();
      const res = await send(VALID).expect(200).expect('Content-Type', /application\/json/);
      expect(Object.keys(res.body)).to.deep.equal(['dateEvent', 'numSegments', 'sid', 'status', 'provider']);
      for (const value of Object.values(res.body)) expect(value).to.be.a('string');
      expect(res.body.dateEvent).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Date.parse(res.body.dateEvent)).to.be.within(before, Date.now());
      expect(res.body.sid).to.match(/^SM[0-9a-f]{32}$/);
      expect(res.body).to.include({ numSegments: '1', status: 'queued', provider: 'twilio' });
      expect(emulator.count('twilio')).to.equal(1);
      expect(emulator.calls()[0]?.form).to.deep.include({ To: VALID.receiver, From: VALID.sender, Body: VALID.body });
    });

    it('accepts an alphanumeric sender ID', async () => {
      await send({ ...VALID, sender: 'ACME Bank' }).expect(200);
      expect(emulator.calls()[0]?.form.From).to.equal('ACME Bank');
    });

    it('accepts a body of exactly 1600 UTF-16 code units, 800 emoji among them', async () => {
      const res = await send({ ...VALID, body: '😀'.repeat(800) }).expect(200);
      // 33 emoji (66 units) per part, since a pair is never split: 800 / 33 → 25 parts, not 1600 / 67 → 24.
      expect(res.body.numSegments).to.equal('25');
    });

    it('answers the number of parts billed: 161 a is 2, 153 ] is 3, 36 emoji is 2', async () => {
      expect((await send({ ...VALID, body: 'a'.repeat(161) }).expect(200)).body.numSegments).to.equal('2');
      expect((await send({ ...VALID, body: ']'.repeat(153) }).expect(200)).body.numSegments).to.equal('3');
      expect((await send({ ...VALID, body: '😀'.repeat(36) }).expect(200)).body.numSegments).to.equal('2');
    });
  });

  describe('refused requests: 400 naming the field and the rule, and no provider call', () => {
    const cases: Array<[string, unknown, string]> = [
      ['a missing sender', { receiver: VALID.receiver, body: VALID.body }, 'sender is required'],
      ['a missing receiver', { sender: VALID.sender, body: VALID.body }, 'receiver is required'],
      ['a missing body', { sender: VALID.sender, receiver: VALID.receiver }, 'body is required'],
      ['a receiver with spaces', { ...VALID, receiver: '+1 555 867 5310' }, 'receiver must be an E.164 phone number, e.g. +15558675310'],
      ['a receiver with dashes', { ...VALID, receiver: '+1-555-867-5310' }, 'receiver must be an E.164 phone number, e.g. +15558675310'],
      ['a receiver with brackets', { ...VALID, receiver: '+1(555)8675310' }, 'receiver must be an E.164 phone number, e.g. +15558675310'],
      ['a receiver with a 00 prefix', { ...VALID, receiver: '0015558675310' }, 'receiver must be an E.164 phone number, e.g. +15558675310'],
      ['a receiver whose first digit is 0', { ...VALID, receiver: '+0123456' }, 'receiver must be an E.164 phone number, e.g. +15558675310'],
      ['a receiver of 16 digits', { ...VALID, receiver: '+1234567890123456' }, 'receiver must be an E.164 phone number, e.g. +15558675310'],
      ['a receiver sent as a JSON number', { ...VALID, receiver: 15558675310 }, 'receiver must be a string'],
      ['a sender of 12 characters', { ...VALID, sender: 'ABCDEFGHIJKL' }, 'sender must be an E.164 phone number (e.g. +15558675310) or an alphanumeric sender ID'],
      ['a sender without a letter', { ...VALID, sender: '12345' }, 'sender must be an E.164 phone number (e.g. +15558675310) or an alphanumeric sender ID'],
      ['a sender with punctuation', { ...VALID, sender: 'ACME!' }, 'sender must be an E.164 phone number (e.g. +15558675310) or an alphanumeric sender ID'],
      ['a sender sent as a JSON number', { ...VALID, sender: 15017122661 }, 'sender must be a string'],
      ['an empty body', { ...VALID, body: '' }, 'body must be 1 to 1600 characters long'],
      ['a body of 1601 characters', { ...VALID, body: 'a'.repeat(1601) }, 'body must be 1 to 1600 characters long'],
      ['a body of 801 emoji (1602 UTF-16 units)', { ...VALID, body: '😀'.repeat(801) }, 'body must be 1 to 1600 characters long (it has 1602)'],
      ['a body sent as a JSON number', { ...VALID, body: 42 }, 'body must be a string'],
      ['a null body', { ...VALID, body: null }, 'body must be a string'],
      ['an extra field', { ...VALID, priority: 'high' }, '"priority" is not an accepted field'],
      ['a JSON array', [VALID], 'the request body must be a JSON object'],
    ];
    for (const [name, body, message] of cases) {
      it(`refuses ${name}`, async () => {
        const res = await send(body).expect(400);
        expect(res.body).to.have.all.keys('statusCode', 'error', 'message');
        expect(res.body).to.include({ statusCode: '400', error: 'Bad Request' });
        expect(res.body.message).to.include(message);
        expect(emulator.count()).to.equal(0);
      });
    }

    it('refuses a __proto__ key by name, and nothing reaches Object.prototype', async () => {
      const res = await request(service.url)
        .post('/send')
        .set('Content-Type', 'application/json')
        .send(`{"sender":"${VALID.sender}","receiver":"${VALID.receiver}","body":"hi","__proto__":{"polluted":"yes"}}`)
        .expect(400);
      expect(res.body.message).to.include('"__proto__" is not an accepted field');
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      expect(emulator.count()).to.equal(0);
    });

    it('names every broken field at once', async () => {
      const res = await send({ sender: '', receiver: '0044', extra: 1 }).expect(400);
      expect(res.body.message)
        .to.include('body is required')
        .and.include('"extra" is not an accepted field')
        .and.include('sender must be')
        .and.include('receiver must be');
    });
  });
});
