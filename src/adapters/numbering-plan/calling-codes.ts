import metadata from 'libphonenumber-js/metadata.min.json';

// Every country calling code in the ITU-T E.164 assignments that libphonenumber-js knows, geographic or not.
const CALLING_CODES: ReadonlySet<string> = new Set([
  ...Object.keys(metadata.country_calling_codes),
  ...Object.keys(metadata.nonGeographic ?? {}),
]);

export function isCallingCode(code: string): boolean {
  return CALLING_CODES.has(code);
}

/** The country calling code an E.164 number starts with (calling codes are prefix-free), if it is assigned. */
export function callingCodeOf(e164: string): string | undefined {
  for (let length = 1; length <= 3; length++) {
    const candidate = e164.slice(1, 1 + length);
    if (CALLING_CODES.has(candidate)) return candidate;
  }
  return undefined;
}

/** `+44*******89`: the calling code and the last two digits stay, every other digit is starred. */
export function maskPhoneNumber(e164: string): string {
  const digits = e164.startsWith('+') ? e164.slice(1) : e164;
  const code = callingCodeOf(`+${digits}`) ?? '';
  const hidden = Math.max(0, digits.length - code.length - 2);
  const shown = digits.length - code.length - hidden;
  return `+${code}${'*'.repeat(hidden)}${digits.slice(digits.length - shown)}`;
}
