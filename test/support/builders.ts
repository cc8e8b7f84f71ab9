import type { SendSmsCommand } from '../../src/application/send-sms.js';
import { Sms } from '../../src/domain/sms.js';

export function aSendCommand(overrides: Partial<SendSmsCommand> = {}): SendSmsCommand {
  return { sender: '+15017122661', receiver: '+15558675310', body: 'Your code is 123456', ...overrides };
}

export function anSms(overrides: Partial<SendSmsCommand> = {}): Sms {
  return Sms.create(aSendCommand(overrides));
}


/** A `POST /send` body that every provider accepts. */
export const VALID = Object.freeze({ sender: '+15017122661', receiver: '+15558675310', body: 'Your code is 123456' });
