import { Router } from 'express';

/** A router where `/send` matches only `/send`: not `/SEND`, not `/send/`. */
export function strictRouter(): Router {
  return Router({ caseSensitive: true, strict: true });
}
