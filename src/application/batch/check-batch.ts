import type { Encoding } from '../../domain/segments.js';
import type { SendSms } from '../send-sms.js';
import { BatchFileError, NO_SENDER, type BadRow, type RowRead } from './batch-row.js';

export interface BatchCheck {
  rows: number;
  valid: number;
  invalid: BadRow[];
  messagesByEncoding: Record<Encoding, number>;
  totalSegments: number;
  /** The file broke off; no row after it was read. */
  fileError?: BatchFileError;
}

/** Checks every row exactly as a send would (fields, sender, Smart Encoding, segment cap) and counts the cost. */
export class CheckBatch {
  constructor(private readonly sendSms: SendSms) {}

  async execute(rows: AsyncIterable<RowRead>, defaultSender?: string): Promise<BatchCheck> {
    const check: BatchCheck = { rows: 0, valid: 0, invalid: [], messagesByEncoding: { 'GSM-7': 0, 'UCS-2': 0 }, totalSegments: 0 };
    try {
      for await (const read of rows) {
        check.rows += 1;
        if ('bad' in read) {
          check.invalid.push(read.bad);
          continue;
        }
        const { row } = read;
        const sender = row.sender ?? defaultSender;
        if (sender === undefined) {
          check.invalid.push({ line: row.line, id: row.id, problem: NO_SENDER });
          continue;
        }
        try {
          const sms = this.sendSms.prepare({ sender, receiver: row.receiver, body: row.body });
          check.valid += 1;
          check.messagesByEncoding[sms.segments.encoding] += 1;
          check.totalSegments += sms.segments.numSegments;
        } catch (error) {
          check.invalid.push({ line: row.line, id: row.id, problem: error instanceof Error ? error.message : String(error) });
        }
      }
    } catch (error) {
      if (!(error instanceof BatchFileError)) throw error;
      check.fileError = error;
    }
    return check;
  }
}
