export type LogFields = Readonly<Record<string, unknown>>;

/**
 * Structured logging. Implementations mask fields named `receiver` and `sender` (phone numbers), drop `body`,
 * and never print secrets; callers still pass only what an operator needs.
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}
