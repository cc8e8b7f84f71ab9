import { strictRouter } from './strict-router.js';
import type { Outbox } from '../../application/ports/outbox.js';
import { methodNotAllowed } from './json-body.js';

/** What the sandbox provider accepted instead of sending, newest first. Mounted only when it is the provider. */
export function sandboxRoutes(outbox: Outbox) {
  const router = strictRouter();
  router.get('/sandbox/messages', (_req, res) => {
    res.json({ messages: outbox.list() });
  });
  router.all('/sandbox/messages', methodNotAllowed(['GET']));
  return router;
}
