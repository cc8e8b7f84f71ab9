/**
 * Renders the sandbox outbox page with a few sample messages in headless Chromium and saves
 * docs/sandbox-outbox.png, the picture in the README. `npm run docs:screenshot`.
 */
import { mkdirSync } from 'node:fs';
import { launchChromium } from '../test/support/browser.js';
import { startService } from '../test/support/service.js';

const service = await startService({ LOG_LEVEL: 'silent' });
const browser = await launchChromium();
try {
  const samples = [
    { sender: 'ACME', receiver: '+15558675310', body: 'Your code is 123456' },
    { sender: 'Clinic', receiver: '+447700900123', body: 'Don’t forget your appointment tomorrow at 10:00 – reply STOP to opt out. See you soon!' },
    { sender: 'Praxis', receiver: '+4915112345678', body: 'Ihr Termin am 4. Mai ist bestätigt – bis bald!' },
  ];
  for (const sample of samples) {
    const res = await fetch(`${service.url}/send`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(sample) });
    if (!res.ok) throw new Error(`sample message refused: ${res.status} ${await res.text()}`);
  }
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  await page.goto(`${service.url}/sandbox`);
  await page.locator('#messages li').nth(samples.length - 1).waitFor();
  mkdirSync('docs', { recursive: true });
  await page.screenshot({ path: 'docs/sandbox-outbox.png', fullPage: true });
  console.log('saved docs/sandbox-outbox.png');
} finally {
  await browser.close();
  await service.close();
}
