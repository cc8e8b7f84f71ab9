import { expect } from 'chai';
import { callingCodeOf, isCallingCode, maskPhoneNumber } from '../../../src/adapters/numbering-plan/calling-codes.js';

describe('calling codes', () => {
  it('finds the calling code of a number, one to three digits long', () => {
    expect(callingCodeOf('+15558675310')).to.equal('1');
    expect(callingCodeOf('+447700900123')).to.equal('44');
    expect(callingCodeOf('+3536612345')).to.equal('353');
    expect(callingCodeOf('+882131234567')).to.equal('882');
  });

  it('knows assigned codes from unassigned ones', () => {
    expect(isCallingCode('39')).to.equal(true);
    expect(isCallingCode('3')).to.equal(false);
    expect(isCallingCode('0')).to.equal(false);
  });

  it('masks every digit but the calling code and the last two', () => {
    expect(maskPhoneNumber('+15558675310')).to.equal('+1********10');
    expect(maskPhoneNumber('+393331234567')).to.equal('+39********67');
  });

  it('masks all but the last two digits when the calling code is unknown', () => {
    expect(maskPhoneNumber('+99912345')).to.equal('+******45');
  });
});
