/**
 * The chosen stack with nothing else: Express 5 with express.json, the service's own Twilio adapter (the twilio
 * SDK over keep-alive node:http) and res.json. No validation, guards, logging, metrics, idempotency or DI. Between
 * the floor and the service, it shows how much of the service's cost the libraries themselves take.
 * `node --import tsx bench/stack-server.ts PORT TWILIO_BASE_URL`
 */
import express from 'express';
import { TwilioSmsGateway } from '../src/adapters/twilio/twilio-sms-gateway.js';
import { Sms } from '../src/domain/sms.js';

const [port, base] = process.argv.slice(2);
const twilio = new TwilioSmsGateway({ accountSid: `AC${'0'.repeat(32)}`, authToken: 'bench-auth-token', baseUrl: base ?? 'http://127.0.0.1:4010', timeoutMs: 10_000 });
const app = express();
app.set('etag', false);
app.get('/', (_req, res) => {
  res.send('ok');
});
app.post('/send', express.json(), async (req, res) => {
  const receipt = await twilio.send(Sms.create(req.body as { sender: string; receiver: string; body: string }));
  res.json({ dateEvent: new Date().toISOString(), numSegments: String(receipt.numSegments), sid: receipt.sid, status: receipt.status });
});
app.listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
