import { PassThrough } from 'node:stream';
import type { LogFields, Logger } from '../../src/application/ports/logger.js';
import { createLogger, type LogLevel } from '../../src/infrastructure/logger.js';

export interface LogEntry {
  level: string;
  message: string;
  fields: LogFields;
}

/** A Logger that keeps entries in memory, for assertions on what the code chose to log. */
export class RecordingLogger implements Logger {
  readonly entries: LogEntry[] = [];
  debug(message: string, fields: LogFields = {}): void {
    this.entries.push({ level: 'debug', message, fields });
  }
  info(message: string, fields: LogFields = {}): void {
    this.entries.push({ level: 'info', message, fields });
  }
  warn(message: string, fields: LogFields = {}): void {
    this.entries.push({ level: 'warn', message, fields });
  }
  error(message: string, fields: LogFields = {}): void {
    this.entries.push({ level: 'error', message, fields });
  }
}

/** The production logger writing to memory: what an operator would read, byte for byte. */
export function captureLogs(level: LogLevel = 'debug'): { logger: Logger; output: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { logger: createLogger(level, stream), output: () => Buffer.concat(chunks).toString('utf8') };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
