import winston from 'winston';
import { maskPhoneNumber } from '../adapters/numbering-plan/calling-codes.js';
import { logContext } from '../application/log-context.js';
import type { LogFields, Logger } from '../application/ports/logger.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

// LOG_LEVEL keeps the level names of the service this replaces; winston has no fatal or trace.
const WINSTON_LEVEL: Record<Exclude<LogLevel, 'silent'>, string> = {
  fatal: 'error',
  error: 'error',
  warn: 'warn',
  info: 'info',
  debug: 'debug',
  trace: 'debug',
};

const PHONE_FIELDS = new Set(['receiver', 'sender', 'to', 'from']);
// Identifiers that must reach the log as they are, or log lines could not be matched to requests and messages.
const VERBATIM_FIELDS = new Set(['requestId', 'sid']);
const DROPPED_FIELD = /^(body|text)$|token|secret|password|passwd|api[-_]?key|authorization|cookie/i;
// A run of 7 to 15 digits, maybe after a plus, standing alone: how a phone number shows up inside a sentence.
const PHONE_IN_TEXT = /(?<![A-Za-z0-9-])\+?[0-9]{7,15}(?![A-Za-z0-9-])/g;

/** Masks phone numbers and removes bodies and secrets from a log entry, wherever they are. */
export function redact(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    if (VERBATIM_FIELDS.has(key)) return value;
    if (PHONE_FIELDS.has(key) && /^\+?[0-9]+$/.test(value)) return maskPhoneNumber(value);
    return value.replace(PHONE_IN_TEXT, (match) => maskPhoneNumber(match));
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, key));
  if (typeof value === 'object' && value !== null) {
    const clean: Record<string, unknown> = {};
    for (const [field, inner] of Object.entries(value)) {
      if (!DROPPED_FIELD.test(field)) clean[field] = redact(inner, field);
    }
    return clean;
  }
  return value;
}

const redactFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level' || key === 'timestamp') continue;
    if (DROPPED_FIELD.test(key)) delete info[key];
    else info[key] = redact(info[key], key);
  }
  return info;
});

/** A JSON-lines logger on the given stream (stdout by default). */
export function createLogger(level: LogLevel, stream: NodeJS.WritableStream = process.stdout): Logger {
  const winstonLogger = winston.createLogger({
    level: level === 'silent' ? 'error' : WINSTON_LEVEL[level],
    silent: level === 'silent',
    format: winston.format.combine(winston.format.timestamp(), redactFormat(), winston.format.json()),
    transports: [new winston.transports.Stream({ stream })],
  });
  const write = (logLevel: string, message: string, fields?: LogFields): void => {
    if (!winstonLogger.isLevelEnabled(logLevel)) return;
    const context = logContext.getStore();
    winstonLogger.log({ level: logLevel, message, ...context, ...fields });
  };
  return {
    debug: (message, fields) => write('debug', message, fields),
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}
