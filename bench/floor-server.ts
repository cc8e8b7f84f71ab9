/**
 * The floor: the least a Node.js program can do for POST /send. It parses the same JSON, makes the same Twilio
 * create-message call to the emulator over a keep-alive agent, and answers the same 200 JSON. No validation, no
 * logging, no DI, no guards: everything a real service needs is left out on purpose.
 * `node --import tsx bench/floor-server.ts PORT TWILIO_BASE_URL`
 */
import http from 'node:http';

const [port, base] = process.argv.slice(2);
const target = new URL(base ?? 'http://127.0.0.1:4010');
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, scheduling: 'lifo' });
const sid = `AC${'0'.repeat(32)}`;
const auth = `Basic ${Buffer.from(`${sid}:bench-auth-token`).toString('base64')}`;
const path = `/2010-04-01/Accounts/${sid}/Messages.json`;

http
  .createServer((req, res) => {
    if (req.method !== 'POST') {
      res.end('ok');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const { sender, receiver, body } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>;
      const form = new URLSearchParams({ To: receiver ?? '', From: sender ?? '', Body: body ?? '' }).toString();
      const call = http.request(
        { host: target.hostname, port: target.port, path, method: 'POST', agent, headers: { Authorization: auth, 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(form) } },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (part: Buffer) => parts.push(part));
          answer.on('end', () => {
            const message = JSON.parse(Buffer.concat(parts).toString('utf8')) as { sid: string; status: string; num_segments: string };
            const out = JSON.stringify({ dateEvent: new Date().toISOString(), numSegments: String(message.num_segments), sid: message.sid, status: message.status });
            res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' }).end(out);
          });
        },
      );
      call.on('error', () => res.writeHead(502).end());
      call.end(form);
    });
  })
  .listen(Number(port), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
