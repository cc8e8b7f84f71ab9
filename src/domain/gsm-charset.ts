// GSM 03.38 (3GPP TS 23.038) default alphabet and its extension table, as the characters a phone displays.

/** The basic table: every character costs one septet (the escape code 0x1B is not a character). */
export const GSM_BASIC_CHARACTERS =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ' +
  ' !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§' +
  '¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** The extension table: each character is sent as escape + code, so it costs two septets. */
export const GSM_EXTENSION_CHARACTERS = '\f^{}\\[~]|€';

/** Septets a UTF-16 code unit costs in GSM-7, indexed by code unit: 0 when it is not in GSM 03.38. */
export const GSM_SEPTETS: Uint8Array = (() => {
  const table = new Uint8Array(0x10000);
  for (const character of GSM_BASIC_CHARACTERS) table[character.charCodeAt(0)] = 1;
  for (const character of GSM_EXTENSION_CHARACTERS) table[character.charCodeAt(0)] = 2;
  return table;
})();
