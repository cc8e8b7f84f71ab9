import { expect } from 'chai';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { launchChromium } from '../support/browser.js';
import { startService, type RunningService } from '../support/service.js';

describe('the sandbox outbox page, in headless Chromium (end to end)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let service: RunningService;

  before(async () => {
    browser = await launchChromium();
  });
  // Optional: when the browser could not start, its own error is the one to read.
  after(() => browser?.close());
  afterEach(() => service?.close());

  it('sends a message through its form, then lists it: masked numbers, encoding, segments, UCS-2 culprits highlighted', async () => {
    service = await startService({});
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto(`${service.url}/sandbox`);
    await page.getByText('No message yet').waitFor();

    await page.fill('input[name=receiver]', '+447700900123');
    await page.fill('textarea[name=body]', 'Don’t forget your appointment tomorrow at 10:00 – reply STOP to opt out. ' + 'See you soon! '.repeat(2));
    await page.click('button[type=submit]');
    await page.locator('#messages li').first().waitFor();

    expect(await page.locator('#send-result').textContent()).to.match(/^200 \{"dateEvent"/);
    const item = page.locator('#messages li').first();
    const text = (await item.textContent()) ?? '';
    expect(text).to.include('to +44********23').and.include('from ACME').and.include('UCS-2').and.include('2 segments');
    expect(text).not.to.include('+447700900123');
    expect(await item.locator('.segment').count()).to.equal(2);
    expect(await item.locator('mark').allTextContents()).to.include.members(['’', '–']);

    // A second message, sent from outside the page, shows up by itself, newest first.
    await request(service.url).post('/send').set('Content-Type', 'application/json').send({ sender: 'ACME', receiver: '+15558675310', body: 'Plain GSM text' }).expect(200);
    await page.locator('#messages li').nth(1).waitFor({ timeout: 5000 });
    expect(await page.locator('#messages li').first().textContent()).to.include('Plain GSM text').and.include('GSM-7').and.include('1 segment');
    expect(problems, 'no script error and no blocked resource').to.deep.equal([]);

    const dir = mkdtempSync(join(tmpdir(), 'sms-sandbox-page-'));
    await page.screenshot({ path: join(dir, 'outbox.png'), fullPage: true });
    expect(readFileSync(join(dir, 'outbox.png')).subarray(1, 4).toString()).to.equal('PNG');
  });

  it('asks for an API key when keys are configured, and works with one', async () => {
    const key = 'sandbox-page-key-0123456789';
    service = await startService({ API_KEYS: key });
    const page = await browser.newPage();
    await page.goto(`${service.url}/sandbox`);
    await page.getByText('Enter an API key').waitFor();
    await page.fill('input[name=apiKey]', key);
    await page.click('button[type=submit]');
    await page.locator('#messages li').first().waitFor();
    expect(await page.locator('#send-result').textContent()).to.match(/^200 /);
  });
});

describe('Swagger UI and the sandbox page over plain HTTP at a host other than loopback, in headless Chromium (end to end)', function () {
  this.timeout(60_000);
  // A name Chromium resolves to 127.0.0.1 but, unlike localhost, does not treat as a secure context: what
  // http://sms-service:3000 in compose or a LAN address is. upgrade-insecure-requests would send every asset to https.
  const HOST = 'sms-service.test';
  let browser: Browser;
  let service: RunningService;

  before(async () => {
    browser = await launchChromium([`--host-resolver-rules=MAP ${HOST} 127.0.0.1`]);
    service = await startService({});
  });
  after(async () => {
    await service?.close();
    await browser?.close();
  });

  /** Every request the page made that failed or was answered with an error. */
  async function open(path: string): Promise<{ page: Page; failures: string[] }> {
    const page = await browser.newPage();
    const failures: string[] = [];
    page.on('requestfailed', (req) => failures.push(`${req.url()}: ${req.failure()?.errorText ?? 'failed'}`));
    page.on('response', (res) => {
      if (res.status() >= 400) failures.push(`${res.url()}: ${res.status()}`);
    });
    page.on('pageerror', (error) => failures.push(error.message));
    await page.goto(`http://${HOST}:${service.server.port}${path}`, { waitUntil: 'load' });
    expect(failures, 'every asset loads').to.deep.equal([]);
    return { page, failures };
  }

  it('renders Swagger UI with its operations, each error response under its own status', async () => {
    const { page, failures } = await open('/documentation/');
    await page.locator('.opblock-summary-path', { hasText: /^\/send$/ }).waitFor({ timeout: 10_000 });
    expect(await page.locator('.opblock').count()).to.be.above(5);
    await page.locator('.opblock-summary', { hasText: '/send' }).first().click();
    const forbidden = page.locator('.response[data-code="403"]');
    await forbidden.waitFor();
    expect(await forbidden.locator('.microlight, pre').first().textContent()).to.include('"403"').and.include('Forbidden').and.not.include('"400"');
    expect(failures).to.deep.equal([]);
  });

  it("loads the sandbox page's script and stylesheet", async () => {
    const { page, failures } = await open('/sandbox');
    await page.getByText('No message yet').waitFor({ timeout: 10_000 });
    // app.css caps the page's width: the stylesheet applied.
    expect(await page.evaluate('getComputedStyle(document.body).maxWidth')).to.equal('960px');
    expect(failures).to.deep.equal([]);
  });
});
