// Test data for the members feature: valid application bodies with computed check digits.
import { randomInt } from 'node:crypto';

/** An Italian VAT number whose check digit is right (or deliberately wrong). */
export function makeVat(valid = true): string {
  const body = Array.from({ length: 10 }, (_, i) => (i === 0 ? randomInt(1, 10) : randomInt(0, 10))).join('');
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const d = Number(body[i]);
    sum += i % 2 === 0 ? d : d * 2 > 9 ? d * 2 - 9 : d * 2;
  }
  const check = (10 - (sum % 10)) % 10;
  return body + String(valid ? check : (check + 1) % 10);
}

export function applicationBody(o: { vat?: string; municipality?: string; email?: string; legalName?: string; category?: string } = {}) {
  return {
    organisation: {
      legalName: o.legalName ?? 'Cosmetica di Prova Srl',
      category: o.category ?? 'company',
      vatNumber: o.vat ?? makeVat(),
      staffHeadcount: 12,
      annualTurnoverEur: 3_000_000,
      website: 'https://cosmetica-prova.example.org',
      atecoCodes: ['20.42.00'],
      description: 'Formulazione conto terzi di prodotti cosmetici (dati di prova).',
    },
    operationalSeat: { municipality: o.municipality ?? 'Milano', address: 'Via di Prova 1' },
    referent: { name: 'Maria Referente', role: 'Amministratrice', email: o.email ?? 'referente@example.org' },
    declarations: { operationalSeatInLombardy: true, statute: true, truthfulness: true, privacy: true },
  };
}
