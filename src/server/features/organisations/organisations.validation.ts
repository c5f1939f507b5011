// Italian tax identifiers. Pure functions: no database, no I/O.

/** Partita IVA: 11 digits, the last one a Luhn-style check digit over the first ten. */
export function isValidItalianVat(value: string): boolean {
  if (!/^\d{11}$/.test(value)) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const d = value.charCodeAt(i) - 48;
    if (i % 2 === 0) sum += d;
    else sum += d * 2 > 9 ? d * 2 - 9 : d * 2;
  }
  return (10 - (sum % 10)) % 10 === value.charCodeAt(10) - 48;
}

// Values of a character in an odd (1st, 3rd, …) position of a codice fiscale; digits map like A–J.
const oddValues = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
// Omocodia: a digit of the date, place or number part may be replaced by one of these letters (0 → L … 9 → V).
const omocodiaLetters = 'LMNPQRSTUV';
const personalPattern = new RegExp(
  `^[A-Z]{6}[0-9${omocodiaLetters}]{2}[ABCDEHLMPRST][0-9${omocodiaLetters}]{2}[A-Z][0-9${omocodiaLetters}]{3}[A-Z]$`,
);

function charIndex(c: string): number {
  const code = c.charCodeAt(0);
  return code >= 48 && code <= 57 ? code - 48 : code - 65;
}

/** Codice fiscale: 16 characters of a person (with its check letter, omocodia allowed) or 11 digits of an entity. */
export function isValidItalianTaxCode(raw: string): boolean {
  const value = raw.toUpperCase();
  if (/^\d{11}$/.test(value)) return isValidItalianVat(value);
  if (!personalPattern.test(value)) return false;
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const idx = charIndex(value[i]);
    sum += i % 2 === 0 ? oddValues[idx] : idx;
  }
  return String.fromCharCode(65 + (sum % 26)) === value[15];
}

/** Spaces and a leading country prefix are common when people paste a VAT number: strip them. */
export function normaliseVat(value: string): string {
  return value.replace(/[\s.-]/g, '').toUpperCase().replace(/^IT(?=\d{11}$)/, '');
}

export function normaliseTaxCode(value: string): string {
  return value.replace(/\s/g, '').toUpperCase();
}
