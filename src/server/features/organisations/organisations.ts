import type { Db } from '../../db/db.ts';
import { recordAudit } from '../../lib/audit.ts';
import type { Actor } from '../../lib/auth.ts';
import { type FieldErrors, NotFoundError, ValidationError, fieldsFromZodIssues } from '../../lib/errors.ts';
import {
  type OrganisationRecord,
  existingAtecoCodes,
  insertOrganisation,
  matchMunicipalities,
  replaceAtecoCodes,
  replaceSeats,
  selectOrganisation,
  selectOrganisationByTaxIdentity,
} from './organisations.queries.ts';
import { type OrganisationData, type OrganisationInput, OrganisationInputSchema, taxIdentityIssues } from './organisations.schemas.ts';
import { normaliseTaxCode, normaliseVat } from './organisations.validation.ts';

export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Every check of an organisation's data at once: shape, tax identity check digits, ISTAT municipalities
 * (an exact name is resolved to its code; an ambiguous name asks for the code) and ATECO 2025 codes.
 */
export async function validateOrganisationInput(db: Db, raw: unknown): Promise<OrganisationData> {
  const parsed = OrganisationInputSchema.safeParse(raw);
  const fields: FieldErrors = parsed.success ? {} : fieldsFromZodIssues(parsed.error.issues);
  const input = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(taxIdentityIssues(input))) fields[k] ??= v;

  const seats = Array.isArray(input.seats) ? (input.seats as Record<string, unknown>[]) : [];
  const wanted = seats.map((s) =>
    s && typeof s === 'object' && typeof s.municipalityCode === 'string' && (s.country ?? 'IT') === 'IT' ? s.municipalityCode.trim() : '',
  );
  const matches = await matchMunicipalities(db, [...new Set(wanted.filter(Boolean))]);
  const resolved: (string | null)[] = wanted.map((value, i) => {
    if (!value) return null;
    const key = `seats.${i}.municipalityCode`;
    const byCode = matches.find((m) => m.key === value && m.istat_code === value);
    if (byCode) return byCode.istat_code;
    const byName = [...new Set(matches.filter((m) => m.key === value).map((m) => m.istat_code))];
    if (byName.length === 1) return byName[0];
    fields[key] ??= byName.length > 1 ? 'ambiguous_municipality' : 'unknown_municipality';
    return null;
  });

  const codes = Array.isArray(input.atecoCodes) ? input.atecoCodes.filter((c): c is string => typeof c === 'string').map((c) => c.trim()) : [];
  const known = new Set(await existingAtecoCodes(db, codes));
  codes.forEach((code, i) => {
    if (code && !known.has(code)) fields[`atecoCodes.${i}`] ??= 'unknown_ateco';
  });

  if (Object.keys(fields).length || !parsed.success) throw new ValidationError(fields);
  const data = parsed.data;
  data.seats = data.seats.map((s, i) => (s.country === 'IT' ? { ...s, municipalityCode: resolved[i] } : s));
  return data;
}

/** Registers an organisation with its seats and ATECO codes, in the caller's transaction when there is one. */
export async function createOrganisation(
  tx: Db,
  actor: Actor | null,
  input: OrganisationInput,
  opts: { isDemo?: boolean } = {},
): Promise<{ id: string }> {
  return tx.transaction(async (t) => {
    const data = await validateOrganisationInput(t, input);
    const { id } = await insertOrganisation(t, data, opts);
    await replaceSeats(t, id, data.seats);
    await replaceAtecoCodes(t, id, data.atecoCodes);
    await recordAudit(t, actor, { action: 'organisation.created', subjectType: 'organisation', subjectId: id, after: auditView(data) });
    return { id };
  });
}

/** The fields worth keeping in the audit log: the submitted data, picked. */
export function auditView(d: OrganisationData) {
  return {
    legalName: d.legalName,
    shortName: d.shortName ?? null,
    category: d.category ?? null,
    vatCountry: d.vatCountry ?? null,
    vatNumber: d.vatNumber ?? null,
    taxCode: d.taxCode ?? null,
    staffHeadcount: d.staffHeadcount ?? null,
    annualTurnoverEur: d.annualTurnoverEur ?? null,
    balanceSheetEur: d.balanceSheetEur ?? null,
    website: d.website ?? null,
    descriptionIt: d.descriptionIt ?? null,
    descriptionEn: d.descriptionEn ?? null,
    atecoCodes: d.atecoCodes,
    seats: d.seats.map((s) => ({
      kind: s.kind,
      country: s.country,
      municipalityCode: s.municipalityCode ?? null,
      foreignCity: s.foreignCity ?? null,
      address: s.address ?? null,
    })),
  };
}

/** Matches an existing organisation by VAT number (with its country, Italy by default) or tax code. */
export async function findOrganisationByTaxIdentity(
  db: Db,
  q: { vatCountry?: string | null; vatNumber?: string | null; taxCode?: string | null },
): Promise<{ id: string; legal_name: string } | null> {
  const vatNumber = q.vatNumber?.trim() ? normaliseVat(q.vatNumber) : null;
  const taxCode = q.taxCode?.trim() ? normaliseTaxCode(q.taxCode) : null;
  if (!vatNumber && !taxCode) return null;
  return selectOrganisationByTaxIdentity(db, { vatCountry: q.vatCountry?.trim().toUpperCase() || 'IT', vatNumber, taxCode });
}

export type OrganisationSummary = Pick<
  OrganisationRecord,
  'id' | 'legal_name' | 'short_name' | 'category' | 'size_class' | 'vat_country' | 'vat_number' | 'tax_code' | 'website' | 'verified'
>;

export async function getOrganisationSummary(db: Db, id: string): Promise<OrganisationSummary> {
  const row = uuidPattern.test(id) ? await selectOrganisation(db, id) : null;
  if (!row) throw new NotFoundError('organisation');
  return {
    id: row.id,
    legal_name: row.legal_name,
    short_name: row.short_name,
    category: row.category,
    size_class: row.size_class,
    vat_country: row.vat_country,
    vat_number: row.vat_number,
    tax_code: row.tax_code,
    website: row.website,
    verified: row.verified,
  };
}
