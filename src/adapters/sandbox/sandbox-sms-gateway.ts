import { randomBytes } from 'node:crypto';
import type { Clock } from '../../application/ports/clock.js';
import type { Outbox, OutboxEntry } from '../../application/ports/outbox.js';
import type { SmsGateway, SmsReceipt } from '../../application/ports/sms-gateway.js';
import type { Sms } from '../../domain/sms.js';
import { maskPhoneNumber } from '../numbering-plan/calling-codes.js';

export const SANDBOX_OUTBOX_SIZE = 1000;

/**
 * Sends nothing: accepts every valid message, answers like a provider would (status `sent`) and keeps the last
 * messages in memory so a developer can see what would have gone out.
 */
export class SandboxSmsGateway implements SmsGateway, Outbox {
  readonly provider = 'sandbox';
  // A ring buffer: memory stays bounded however long the process runs.
  private readonly entries: OutboxEntry[] = [];
  private next = 0;

  constructor(
    private readonly clock: Clock,
    private readonly capacity = SANDBOX_OUTBOX_SIZE,
  ) {}

  async send(sms: Sms): Promise<SmsReceipt> {
    const sid = `SB${randomBytes(16).toString('hex')}`;
    const { encoding, numSegments, segments, nonGsmCharacters } = sms.segments;
    const entry: OutboxEntry = {
      sid,
      dateEvent: this.clock.now().toISOString(),
      sender: sms.sender.kind === 'phone-number' ? maskPhoneNumber(sms.sender.value) : sms.sender.value,
      receiver: maskPhoneNumber(sms.receiver.value),
      body: sms.body.value,
      encoding,
      numSegments,
      segments,
      nonGsmCharacters,
    };
    this.entries[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    return { sid, status: 'sent', numSegments };
  }

  list(): readonly OutboxEntry[] {
    const newestFirst: OutboxEntry[] = [];
    for (let i = 1; i <= this.entries.length; i++) {
      const index = (this.next - i + this.capacity) % this.capacity;
      const entry = this.entries[index];
      if (entry !== undefined) newestFirst.push(entry);
    }
    return newestFirst;
  }
}
