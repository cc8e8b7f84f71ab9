/**
 * The sandbox outbox page: plain HTML, CSS and a small script, served as they are (no build step). The script
 * polls `/sandbox/messages` and renders with DOM calls only (no HTML from data), so a message cannot inject
 * markup. An API key typed into the page is kept in sessionStorage and sent as a Bearer token.
 */

export const SANDBOX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sandbox outbox · SMS gateway service</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/sandbox/app.css">
<script src="/sandbox/app.js" defer></script>
</head>
<body>
<header>
  <h1>Sandbox outbox</h1>
  <p>Messages the sandbox provider accepted. Nothing was sent; phone numbers are shown masked.</p>
</header>
<main>
  <form id="send-form" autocomplete="off">
    <h2>Send a test message</h2>
    <label>Sender <input name="sender" value="ACME" required></label>
    <label>Receiver <input name="receiver" value="+15558675310" required></label>
    <label class="wide">Body <textarea name="body" rows="3" required>Your code is 123456</textarea></label>
    <label>API key <input name="apiKey" type="password" placeholder="only if API_KEYS is set"></label>
    <button type="submit">Send</button>
    <output id="send-result" aria-live="polite"></output>
  </form>
  <section>
    <h2>Outbox <span id="count"></span></h2>
    <p id="status" aria-live="polite"></p>
    <ol id="messages"></ol>
  </section>
</main>
</body>
</html>
`;

export const SANDBOX_CSS = `
:root { font-family: system-ui, sans-serif; color: #1d2330; background: #f6f7f9; }
body { margin: 0 auto; max-width: 60rem; padding: 1rem 1.5rem 3rem; }
h1 { margin-bottom: 0.2rem; } header p { margin-top: 0; color: #556; }
form { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: 0.6rem 1rem; background: #fff; padding: 1rem; border-radius: 8px; box-shadow: 0 1px 3px #0002; }
form h2, form .wide, form output { grid-column: 1 / -1; margin: 0; }
label { display: flex; flex-direction: column; font-size: 0.85rem; gap: 0.2rem; }
input, textarea, button { font: inherit; padding: 0.4rem; border: 1px solid #bbc; border-radius: 4px; }
button { background: #2456d6; color: #fff; border: none; cursor: pointer; align-self: end; }
output { font-family: ui-monospace, monospace; font-size: 0.85rem; white-space: pre-wrap; }
ol { list-style: none; padding: 0; }
li { background: #fff; border-radius: 8px; box-shadow: 0 1px 3px #0002; padding: 0.7rem 1rem; margin: 0.7rem 0; }
.meta { display: flex; flex-wrap: wrap; gap: 0.4rem 1rem; font-size: 0.85rem; color: #445; }
.badge { border-radius: 999px; padding: 0 0.5rem; font-weight: 600; }
.gsm { background: #dff3e4; color: #175c2a; } .ucs2 { background: #fde7d9; color: #8a3a0b; }
.segments { display: flex; flex-direction: column; gap: 0.3rem; margin-top: 0.5rem; }
.segment { font-family: ui-monospace, monospace; white-space: pre-wrap; word-break: break-word; border-left: 3px solid #2456d6; padding: 0.2rem 0.5rem; background: #f2f5fd; }
.segment small { display: block; color: #667; font-family: system-ui, sans-serif; }
mark { background: #ffd54a; border-radius: 2px; }
`;

export const SANDBOX_JS = `'use strict';
(() => {
  const list = document.getElementById('messages');
  const status = document.getElementById('status');
  const count = document.getElementById('count');
  const form = document.getElementById('send-form');
  const result = document.getElementById('send-result');
  let shown = '';

  const headers = () => {
    const key = sessionStorage.getItem('sms-api-key');
    return key ? { Authorization: 'Bearer ' + key } : {};
  };
  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  function segmentNode(text, index, total, nonGsm) {
    const node = el('div', 'segment');
    node.append(el('small', '', 'part ' + (index + 1) + ' of ' + total));
    for (const character of text) {
      if (nonGsm.has(character)) node.append(el('mark', '', character));
      else node.append(document.createTextNode(character));
    }
    return node;
  }

  function render(messages) {
    list.replaceChildren();
    count.textContent = '(' + messages.length + ')';
    for (const message of messages) {
      const item = el('li');
      item.dataset.sid = message.sid;
      const meta = el('div', 'meta');
      meta.append(
        el('time', '', new Date(message.dateEvent).toLocaleString()),
        el('span', '', 'from ' + message.sender),
        el('span', '', 'to ' + message.receiver),
        el('span', 'badge ' + (message.encoding === 'GSM-7' ? 'gsm' : 'ucs2'), message.encoding),
        el('span', 'segcount', message.numSegments + (message.numSegments === 1 ? ' segment' : ' segments')),
      );
      if (message.nonGsmCharacters.length > 0) {
        meta.append(el('span', 'forced', 'UCS-2 because of: ' + message.nonGsmCharacters.map((c) => JSON.stringify(c)).join(' ')));
      }
      const nonGsm = new Set(message.nonGsmCharacters);
      const parts = el('div', 'segments');
      message.segments.forEach((segment, index) => parts.append(segmentNode(segment, index, message.segments.length, nonGsm)));
      item.append(meta, parts);
      list.append(item);
    }
  }

  async function refresh() {
    try {
      const response = await fetch('/sandbox/messages', { headers: headers() });
      if (!response.ok) {
        status.textContent = response.status === 401 ? 'Enter an API key to see the outbox.' : 'The outbox answered ' + response.status + '.';
        return;
      }
      const { messages } = await response.json();
      const fingerprint = messages.length + ':' + (messages[0] ? messages[0].sid : '');
      status.textContent = messages.length === 0 ? 'No message yet: send one with the form.' : '';
      if (fingerprint !== shown) {
        shown = fingerprint;
        render(messages);
      }
    } catch {
      status.textContent = 'The service cannot be reached; retrying.';
    }
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const apiKey = String(data.get('apiKey') || '');
    if (apiKey) sessionStorage.setItem('sms-api-key', apiKey);
    const payload = { sender: data.get('sender'), receiver: data.get('receiver'), body: data.get('body') };
    try {
      const response = await fetch('/send', { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers() }, body: JSON.stringify(payload) });
      result.textContent = response.status + ' ' + (await response.text());
    } catch {
      result.textContent = 'the service cannot be reached';
    }
    await refresh();
  });

  refresh();
  setInterval(refresh, 2000);
})();
`;
