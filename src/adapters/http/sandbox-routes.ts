import { strictRouter } from './strict-router.js';
import type { Outbox } from '../../application/ports/outbox.js';
import { methodNotAllowed } from './json-body.js';
import { SANDBOX_CSS, SANDBOX_HTML, SANDBOX_JS } from './sandbox-page.js';

/**
 * What the sandbox provider accepted instead of sending, newest first: as JSON, and as a page that lists it and
 * sends test messages. Mounted only when the sandbox is the provider.
 */
export function sandboxRoutes(outbox: Outbox) {
  const router = strictRouter();
  router.get('/sandbox/messages', (_req, res) => {
    res.json({ messages: outbox.list() });
  });
  router.all('/sandbox/messages', methodNotAllowed(['GET']));
  router.get('/sandbox', (_req, res) => {
    res.type('html').send(SANDBOX_HTML);
  });
  router.get('/sandbox/app.js', (_req, res) => {
    res.type('js').send(SANDBOX_JS);
  });
  router.get('/sandbox/app.css', (_req, res) => {
    res.type('css').send(SANDBOX_CSS);
  });
  return router;
}
