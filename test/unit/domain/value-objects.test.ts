import { expect } from 'chai';
import { InvalidBodyError, InvalidReceiverError, InvalidSenderError } from '../../../src/domain/errors.js';
import { MessageBody } from '../../../src/domain/message-body.js';
import { PhoneNumber } from '../../../src/domain/phone-number.js';
import { SenderId } from '../../../src/domain/sender-id.js';
import { Sms } from '../../../src/domain/sms.js';
import { aSendCommand } from '../../support/builders.js';

describe('PhoneNumber', () => {
  for (const valid of ['+15558675310', '+12', '+123456789012345', '+447700900123']) {
    it(`accepts the E.164 number ${valid}`, () => {
      expect(PhoneNumber.parse(valid).value).to.equal(valid);
    });
  }

  const refused: Array<[string, unknown]> = [
    ['a number with spaces', '+1 555 867 5310'],
    ['a number with dashes', '+1-555-867-5310'],
    ['a number with brackets', '+1(555)8675310'],
    ['a number written with a 00 prefix', '0015558675310'],
    ['a number without a plus', '15558675310'],
    ['a number whose first digit is 0', '+05558675310'],
    ['a plus and one digit', '+1'],
    ['16 digits', '+1234567890123456'],
    ['an empty string', ''],
    ['a trailing newline', '+15558675310\n'],
  ];
  for (const [name, raw] of refused) {
    it(`rejects ${name}`, () => {
      expect(() => PhoneNumber.parse(raw))
        .to.throw(InvalidReceiverError, 'receiver must be an E.164 phone number, e.g. +15558675310')
        .with.property('code', 'SMS.INVALID_RECEIVER');
    });
  }

  it('rejects a JSON number instead of guessing', () => {
    expect(() => PhoneNumber.parse(15558675310)).to.throw(InvalidReceiverError, 'receiver must be a string');
  });

  it('is equal to another with the same value', () => {
    expect(PhoneNumber.parse('+15558675310').equals(PhoneNumber.parse('+15558675310'))).to.equal(true);
    expect(PhoneNumber.parse('+15558675310').toString()).to.equal('+15558675310');
  });
});

describe('SenderId', () => {
  it('accepts an E.164 number as a phone-number sender', () => {
    expect(SenderId.parse('+15017122661').kind).to.equal('phone-number');
  });

  for (const valid of ['ACME', 'A', 'Acme Bank 1', 'x1234567890']) {
    it(`accepts the alphanumeric sender ID "${valid}"`, () => {
      expect(SenderId.parse(valid)).to.include({ value: valid, kind: 'alphanumeric' });
    });
  }

  const refused: Array<[string, unknown]> = [
    ['twelve characters', 'ABCDEFGHIJKL'],
    ['digits only without a plus', '12345'],
    ['punctuation', 'ACME!'],
    ['an accented letter', 'Café'],
    ['an empty string', ''],
    ['a number with a 00 prefix', '0015017122661'],
  ];
  for (const [name, raw] of refused) {
    it(`rejects ${name}`, () => {
      expect(() => SenderId.parse(raw)).to.throw(InvalidSenderError, /^sender must be an E\.164 phone number/).with.property('code', 'SMS.INVALID_SENDER');
    });
  }

  it('rejects a JSON number', () => {
    expect(() => SenderId.parse(15017122661)).to.throw(InvalidSenderError, 'sender must be a string');
  });
});

describe('MessageBody', () => {
  it('accepts 1 and 1600 UTF-16 code units', () => {
    expect(MessageBody.parse('a').value).to.equal('a');
    expect(MessageBody.parse('a'.repeat(1600)).value).to.have.length(1600);
  });

  it('counts an emoji as two characters: 800 emoji fit, 801 do not', () => {
    expect(MessageBody.parse('😀'.repeat(800)).value).to.have.length(1600);
    expect(() => MessageBody.parse('😀'.repeat(801))).to.throw(InvalidBodyError, 'body must be 1 to 1600 characters long (it has 1602)');
  });

  it('rejects an empty body and one of 1601 characters', () => {
    expect(() => MessageBody.parse('')).to.throw(InvalidBodyError, 'body must be 1 to 1600 characters long');
    expect(() => MessageBody.parse('a'.repeat(1601))).to.throw(InvalidBodyError, 'body must be 1 to 1600 characters long (it has 1601)');
  });

  it('rejects a lone surrogate, which no provider could encode', () => {
    expect(() => MessageBody.parse('abc\ud83d')).to.throw(InvalidBodyError, /unpaired surrogate/);
    expect(() => MessageBody.parse('\ude00abc')).to.throw(InvalidBodyError, /unpaired surrogate/);
  });

  it('rejects anything but a string', () => {
    expect(() => MessageBody.parse(42)).to.throw(InvalidBodyError, 'body must be a string');
  });
});

describe('Sms', () => {
  it('computes its segments once, from its body', () => {
    const sms = Sms.create(aSendCommand({ body: 'a'.repeat(161) }));
    expect(sms.segments).to.include({ encoding: 'GSM-7', numSegments: 2 });
  });

  it('refuses a bad field with the error of that field', () => {
    expect(() => Sms.create(aSendCommand({ receiver: '+1 555' }))).to.throw(InvalidReceiverError);
    expect(() => Sms.create(aSendCommand({ sender: '' }))).to.throw(InvalidSenderError);
    expect(() => Sms.create(aSendCommand({ body: '' }))).to.throw(InvalidBodyError);
  });
});
