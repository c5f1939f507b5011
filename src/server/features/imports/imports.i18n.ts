import type { FeatureMessages } from '../../lib/i18n.ts';

const it = {
  'reason.unknown_column': 'colonna sconosciuta',
  'reason.missing_column': 'colonna obbligatoria mancante',
  'reason.required': 'obbligatorio',
  'reason.invalid_vat': 'partita IVA non valida',
  'reason.invalid_tax_code': 'codice fiscale non valido',
  'reason.unknown_municipality': 'comune sconosciuto',
  'reason.ambiguous_municipality': 'comune ambiguo: indicare il codice ISTAT o la provincia, es. "Castro (BG)"',
  'reason.unknown_ateco': 'codice ATECO sconosciuto',
  'reason.invalid_choice': 'valore non ammesso',
  'reason.invalid_number': 'numero non valido',
  'reason.duplicate_in_file': 'ripetuto in un’altra riga del file',
  'reason.invalid': 'valore non valido',
};
const en: Record<keyof typeof it, string> = {
  'reason.unknown_column': 'unknown column',
  'reason.missing_column': 'required column missing',
  'reason.required': 'required',
  'reason.invalid_vat': 'invalid VAT number',
  'reason.invalid_tax_code': 'invalid tax code',
  'reason.unknown_municipality': 'unknown municipality',
  'reason.ambiguous_municipality': 'ambiguous municipality: give the ISTAT code or the province, e.g. "Castro (BG)"',
  'reason.unknown_ateco': 'unknown ATECO code',
  'reason.invalid_choice': 'value not allowed',
  'reason.invalid_number': 'invalid number',
  'reason.duplicate_in_file': 'repeated on another row of the file',
  'reason.invalid': 'invalid value',
};
export const messages: FeatureMessages = { it, en };
