import type { Db } from '../../db/db.ts';
import { isUuid } from '../../lib/ids.ts';
import { recentPer } from '../../lib/recent.ts';
import { LOMBARDY_REGION_CODE } from '../requirements/requirements.queries.ts';
import { recordAudit } from '../../lib/audit.ts';
import { type Actor, hasRole, isMemberOf, isOrgAdminOf, isStaffOf } from '../../lib/auth.ts';
import { AppError, type FieldErrors, ForbiddenError, NotFoundError, ValidationError, fieldsFromZodIssues } from '../../lib/errors.ts';
import {
  type OrganisationRecord,
  countDirectory,
  type DirectoryFilters,
  type DirectoryRow,
  existingAtecoCodes,
  searchAteco,
  searchMunicipalities,
  selectAtecoCodes,
  selectDirectoryPage,
  selectDirectoryVersion,
  selectMembershipEvents,
  selectMemberships,
  selectSeats,
  selectStaffClustersOf,
  selectRegionMunicipalities,
  selectProvinces,
  selectAtecoSections,
  selectConceptSubtree,
  updateOrganisationRow,
  insertOrganisation,
  type MunicipalityRow,
  selectMunicipalitiesMatching,
  replaceAtecoCodes,
  replaceSeats,
  selectOrganisation,
  selectOrganisationByTaxIdentity,
} from './organisations.queries.ts';
import {
  type DirectoryPage,
  type DirectoryQuery,
  type OrganisationData,
  type OrganisationDetail,
  type OrganisationInput,
  OrganisationInputSchema,
  type OrganisationPatch,
  taxIdentityIssues,
} from './organisations.schemas.ts';
import { normaliseTaxCode, normaliseVat } from './organisations.validation.ts';


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
  const resolved: (string | null)[] = [];
  const known: Map<string, Awaited<ReturnType<typeof resolveMunicipality>>> = new Map();
  // The schema refuses more than 20 seats; looking up more would only cost time.
  for (const [i, s] of seats.slice(0, 20).entries()) {
    const value = s && typeof s === 'object' && typeof s.municipalityCode === 'string' && (s.country ?? 'IT') === 'IT' ? s.municipalityCode.trim() : '';
    if (value && !known.has(value)) known.set(value, await resolveMunicipality(db, value));
    const found = value ? known.get(value) : null;
    if (typeof found === 'string') fields[`seats.${i}.municipalityCode`] ??= found;
    resolved.push(found && typeof found === 'object' ? found.istat_code : null);
  }

  const codes = Array.isArray(input.atecoCodes) ? input.atecoCodes.filter((c): c is string => typeof c === 'string').map((c) => c.trim()) : [];
  const knownCodes = new Set(await existingAtecoCodes(db, codes));
  codes.forEach((code, i) => {
    if (code && !knownCodes.has(code)) fields[`atecoCodes.${i}`] ??= 'unknown_ateco';
  });

  if (Object.keys(fields).length || !parsed.success) throw new ValidationError(fields);
  const data = parsed.data;
  data.seats = data.seats.map((s, i) => (s.country === 'IT' ? { ...s, municipalityCode: resolved[i] } : s));
  return data;
}

/**
 * An Italian municipality from what people type: its ISTAT code ("015146"), its name in any case and with or
 * without accents ("Agliè", "aglie"), or, when a name exists in two provinces, the name with the province acronym
 * ("Castro (BG)"). Shared by every form that asks for a seat.
 */
export async function resolveMunicipality(
  db: Db,
  value: string,
): Promise<MunicipalityRow | 'unknown_municipality' | 'ambiguous_municipality'> {
  const v = value.trim().replace(/\s+/g, ' ');
  if (!v) return 'unknown_municipality';
  const withProvince = /^(.+?)\s*\(\s*([A-Za-z]{2})\s*\)$/.exec(v);
  const rows = /^\d{6}$/.test(v)
    ? await selectMunicipalitiesMatching(db, { code: v })
    : withProvince
      ? await selectMunicipalitiesMatching(db, { name: withProvince[1], provinceAcronym: withProvince[2] })
      : await selectMunicipalitiesMatching(db, { name: v });
  if (rows.length === 0) return 'unknown_municipality';
  if (rows.length > 1) return 'ambiguous_municipality';
  return rows[0];
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
  const row = isUuid(id) ? await selectOrganisation(db, id) : null;
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

// A page of the directory and its exact total are reused until the data version changes (any instance's write
// bumps it in the database, at commit): a request that finds them costs one read of the version, the round trip
// every request pays anyway, instead of a filtered, sorted scan and a count. The version follows organisations and
// what the triggers fold into them (memberships, seats, ATECO codes) and cluster slugs, not competences, facilities
// or the taxonomy: a directory filtered by concept is read and counted every time (it only reads the concept's
// holders, found by index). The 500 pages and totals used last are kept per database (a page is at most 100
// items). A page found here is the same object each time, so that its readers may in turn keep what they make of it
// (the API its JSON).
const directoryCache = recentPer<{ version: number; value: DirectoryPage | number }>(500);

function toDirectoryPage(rows: DirectoryRow[], page: number, pageSize: number, total: number): DirectoryPage {
  return {
    items: rows.map((r) => ({
      id: r.id,
      legalName: r.legal_name,
      shortName: r.short_name,
      category: r.category,
      sizeClass: r.size_class,
      website: r.website,
      provinces: r.provinces ?? [],
      clusters: r.clusters ?? [],
    })),
    page,
    pageSize,
    total,
  };
}

/** A page of the directory and the data version it was read at (null when filtered by concept). */
async function directoryPage(db: Db, filters: DirectoryFilters, page: number, pageSize: number): Promise<{ result: DirectoryPage; version: number | null }> {
  if (filters.conceptIds) {
    const { rows } = await selectDirectoryPage(db, filters, page, pageSize);
    return { result: toDirectoryPage(rows, page, pageSize, (await countDirectory(db, filters)).total), version: null };
  }
  const cache = directoryCache(db);
  const filterKey = JSON.stringify(filters);
  const pageKey = `${filterKey}#${page}#${pageSize}`;
  const fresh = (key: string, version: number) => {
    const hit = cache.get(key);
    return hit && hit.version === version ? hit.value : undefined;
  };
  const current = await selectDirectoryVersion(db);
  const found = fresh(pageKey, current) as DirectoryPage | undefined;
  if (found) return { result: found, version: current };
  // The rows come with the version they were read at (one snapshot), which may be newer than `current`; the total
  // must be of that same version, or the page is not kept.
  const read = await selectDirectoryPage(db, filters, page, pageSize);
  let total = fresh(filterKey, read.version) as number | undefined;
  let totalVersion = read.version;
  if (total === undefined) {
    const counted = await countDirectory(db, filters);
    total = counted.total;
    totalVersion = counted.version;
    cache.set(filterKey, { version: counted.version, value: total });
  }
  const result = toDirectoryPage(read.rows, page, pageSize, total);
  if (totalVersion === read.version) cache.set(pageKey, { version: read.version, value: result });
  return { result, version: read.version };
}

/** The concept a directory is filtered by, with its labels. */
export type DirectoryConcept = { id: string; label: { it: string; en: string } };

/**
 * A concept id of the directory's filter: the concept and all concepts below it (a stage and its sub-stages).
 * An unknown id is a 400 on `query.concept`, as on the map.
 */
async function resolveDirectoryConcept(db: Db, id: string): Promise<DirectoryConcept & { ids: string[] }> {
  const row = await selectConceptSubtree(db, id);
  if (!row) throw new ValidationError({ 'query.concept': 'invalid_value' }, 'Unknown concept');
  return { id: row.id, label: { it: row.label_it, en: row.label_en }, ids: row.ids };
}

export async function listDirectory(db: Db, q: DirectoryQuery): Promise<DirectoryPage> {
  return (await browseDirectory(db, q)).result;
}

/**
 * One page of the directory; when it is filtered by concept, that concept (for the page to show); the data version
 * it shows (null when filtered by concept, which the version does not follow).
 */
export async function browseDirectory(
  db: Db,
  q: DirectoryQuery,
): Promise<{ result: DirectoryPage; concept: DirectoryConcept | null; version: number | null }> {
  const concept = q.concept ? await resolveDirectoryConcept(db, q.concept) : null;
  const filters: DirectoryFilters = {
    cluster: q.cluster,
    category: q.category,
    province: q.province,
    sizeClass: q.sizeClass,
    atecoSection: q.atecoSection,
    q: q.q ? foldQuery(q.q) : undefined,
    conceptIds: concept?.ids,
  };
  const { result, version } = await directoryPage(db, filters, q.page, q.pageSize);
  return { result, concept: concept && { id: concept.id, label: concept.label }, version };
}

/** The same folding as the database's fold_text(), so the search column and the query meet. */
function foldQuery(q: string): string {
  return q
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/['’`]/g, ' ')
    .toLowerCase();
}

/** Everything stored about the organisation: only for those who may see it (see getOrganisation). */
async function loadOrganisation(db: Db, id: string): Promise<{ detail: OrganisationDetail; clusterIds: string[] }> {
  const row = isUuid(id) ? await selectOrganisation(db, id) : null;
  if (!row) throw new NotFoundError('organisation');
  const [seats, ateco, memberships, history] = await Promise.all([
    selectSeats(db, id),
    selectAtecoCodes(db, id),
    selectMemberships(db, id),
    selectMembershipEvents(db, id),
  ]);
  const detail: OrganisationDetail = {
    view: 'full',
    id: row.id,
    legalName: row.legal_name,
    shortName: row.short_name,
    category: row.category,
    sizeClass: row.size_class,
    vatCountry: row.vat_country,
    vatNumber: row.vat_number,
    taxCode: row.tax_code,
    staffHeadcount: row.staff_headcount,
    annualTurnoverEur: row.annual_turnover_eur,
    balanceSheetEur: row.balance_sheet_eur,
    website: row.website,
    descriptionIt: row.description_it,
    descriptionEn: row.description_en,
    verified: row.verified,
    seats: seats.map((s) => ({
      kind: s.kind,
      country: s.country,
      municipalityCode: s.municipality_code,
      municipality: s.municipality_name,
      province: s.province_acronym,
      provinceName: s.province_name,
      region: s.region_name,
      foreignCity: s.foreign_city,
      address: s.address,
    })),
    ateco: ateco.map((a) => ({ code: a.code, section: a.section, titleIt: a.title_it, titleEn: a.title_en, primary: a.is_primary })),
    memberships: memberships.map((m) => ({
      cluster: m.cluster_slug,
      clusterNameIt: m.cluster_name_it,
      clusterNameEn: m.cluster_name_en,
      role: m.role,
      status: m.status,
      leaderCompany: m.is_leader_company,
      joinedOn: m.joined_on,
      leftOn: m.left_on,
    })),
    history: history.map((e) => ({
      cluster: e.cluster_slug,
      kind: e.kind,
      reason: e.reason,
      decidedOn: e.decided_on,
      at: new Date(e.at).toISOString(),
    })),
  };
  return { detail, clusterIds: memberships.map((m) => m.cluster_id) };
}

/** Its own users, staff of a cluster it has (or had) a membership in, region officers and platform admins. */
function seesPrivateData(actor: Actor | null, organisationId: string, clusterIds: string[]): boolean {
  if (!actor) return false;
  if (hasRole(actor, 'platform_admin') || hasRole(actor, 'region') || isMemberOf(actor, organisationId)) return true;
  return clusterIds.some((c) => isStaffOf(actor, c));
}

/** The public view, picked field by field: what the directory stands for, nothing a member has not made public. */
function publicView(d: OrganisationDetail): OrganisationDetail {
  return {
    view: 'public',
    id: d.id,
    legalName: d.legalName,
    shortName: d.shortName,
    category: d.category,
    sizeClass: d.sizeClass,
    vatCountry: d.vatCountry,
    vatNumber: d.vatNumber,
    website: d.website,
    descriptionIt: d.descriptionIt,
    descriptionEn: d.descriptionEn,
    verified: d.verified,
    seats: d.seats.map((s) => ({
      kind: s.kind,
      country: s.country,
      municipalityCode: s.municipalityCode,
      municipality: s.municipality,
      province: s.province,
      provinceName: s.provinceName,
      region: s.region,
      foreignCity: s.foreignCity,
    })),
    ateco: d.ateco.map((a) => ({ code: a.code, section: a.section, titleIt: a.titleIt, titleEn: a.titleEn, primary: a.primary })),
    memberships: d.memberships
      .filter((m) => m.status === 'active')
      .map((m) => ({
        cluster: m.cluster,
        clusterNameIt: m.clusterNameIt,
        clusterNameEn: m.clusterNameEn,
        role: m.role,
        status: m.status,
        joinedOn: m.joinedOn,
      })),
  };
}

/**
 * An organisation as this actor may see it. To anyone without a relation to it, an organisation that is not an
 * active member of any cluster does not exist (404), and only its public fields are shown.
 */
export async function getOrganisation(db: Db, actor: Actor | null, id: string): Promise<OrganisationDetail> {
  const { detail, clusterIds } = await loadOrganisation(db, id);
  if (seesPrivateData(actor, detail.id, clusterIds)) return detail;
  if (!detail.memberships.some((m) => m.status === 'active')) throw new NotFoundError('organisation');
  return publicView(detail);
}

/** Staff of a cluster the organisation belongs to, its own org_admin, or a platform admin. */
export async function canEditOrganisation(db: Db, actor: Actor | null, organisationId: string): Promise<boolean> {
  if (!actor) return false;
  if (hasRole(actor, 'platform_admin') || isOrgAdminOf(actor, organisationId)) return true;
  const clusters = await selectStaffClustersOf(db, organisationId);
  return clusters.some((c) => isStaffOf(actor, c));
}

/** The current data in the create shape: the starting point of an edit. */
export function toInput(d: OrganisationDetail): OrganisationInput {
  return {
    legalName: d.legalName,
    shortName: d.shortName,
    category: d.category as OrganisationInput['category'],
    vatCountry: d.vatCountry,
    vatNumber: d.vatNumber,
    taxCode: d.taxCode ?? null,
    staffHeadcount: d.staffHeadcount ?? null,
    annualTurnoverEur: d.annualTurnoverEur ?? null,
    balanceSheetEur: d.balanceSheetEur ?? null,
    website: d.website,
    descriptionIt: d.descriptionIt,
    descriptionEn: d.descriptionEn,
    atecoCodes: d.ateco.map((a) => a.code),
    seats: d.seats.map((s) => ({
      kind: s.kind,
      country: s.country,
      municipalityCode: s.municipalityCode,
      foreignCity: s.foreignCity,
      address: s.address ?? null,
    })),
  };
}

/**
 * The category decides which requirements a member counts towards (a research organisation, a company): it must be
 * stated by someone the cluster trusts, so only staff of one of its clusters and platform admins may change it.
 */
export async function canChangeCategory(db: Db, actor: Actor | null, organisationId: string): Promise<boolean> {
  if (!actor) return false;
  if (hasRole(actor, 'platform_admin')) return true;
  const clusters = await selectStaffClustersOf(db, organisationId);
  return clusters.some((c) => isStaffOf(actor, c));
}

export async function getOrganisationForEdit(
  db: Db,
  actor: Actor,
  id: string,
): Promise<{ org: OrganisationDetail; canEditCategory: boolean }> {
  const { detail: current } = await loadOrganisation(db, id);
  if (!(await canEditOrganisation(db, actor, id))) throw new ForbiddenError();
  return { org: current, canEditCategory: await canChangeCategory(db, actor, id) };
}

export async function updateOrganisation(db: Db, actor: Actor, id: string, patch: OrganisationPatch): Promise<OrganisationDetail> {
  return db.transaction(async (tx) => {
    if (!isUuid(id) || !(await selectOrganisation(tx, id, { forUpdate: true }))) throw new NotFoundError('organisation');
    if (!(await canEditOrganisation(tx, actor, id))) throw new ForbiddenError();
    const current = toInput((await loadOrganisation(tx, id)).detail);
    if (patch?.category !== undefined && (patch.category ?? null) !== (current.category ?? null) && !(await canChangeCategory(tx, actor, id))) {
      throw new AppError(403, 'forbidden', 'Only staff of its clusters may change an organisation’s category', { category: 'staff_only' });
    }
    const merged = { ...current, ...Object.fromEntries(Object.entries(patch ?? {}).filter(([, v]) => v !== undefined)) };
    const data = await validateOrganisationInput(tx, merged);
    await updateOrganisationRow(tx, id, data);
    await replaceSeats(tx, id, data.seats);
    await replaceAtecoCodes(tx, id, data.atecoCodes);
    await recordAudit(tx, actor, { action: 'organisation.updated', subjectType: 'organisation', subjectId: id, before: current, after: auditView(data) });
    return getOrganisation(tx, actor, id);
  });
}

export async function lookupMunicipalities(db: Db, q: { q: string; region?: string }) {
  const rows = await searchMunicipalities(db, q.q, q.region, 20);
  return {
    items: rows.map((r) => ({
      istatCode: r.istat_code,
      name: r.name,
      province: r.province_acronym,
      provinceName: r.province_name,
      regionCode: r.region_code,
      region: r.region_name,
    })),
  };
}

export async function lookupAteco(db: Db, q: { q: string }) {
  const rows = await searchAteco(db, q.q, 20);
  return { items: rows.map((r) => ({ code: r.code, level: Number(r.level), section: r.section, titleIt: r.title_it, titleEn: r.title_en })) };
}

/** What the directory's filter form offers. */
// Provinces, ATECO sections and municipalities are reference data, loaded before the app serves and
// unchanged while it runs: read them once per database, not on every page.
function oncePerDb<T>(load: (db: Db) => Promise<T>): (db: Db) => Promise<T> {
  const cache = new WeakMap<Db, Promise<T>>();
  return (db) => {
    let value = cache.get(db);
    if (!value) {
      value = load(db);
      cache.set(db, value);
      value.catch(() => cache.delete(db));
    }
    return value;
  };
}

export const getDirectoryOptions = oncePerDb(async (db) => {
  const [provinces, sections] = await Promise.all([selectProvinces(db), selectAtecoSections(db)]);
  return { provinces, sections };
});

/** Lombardy's municipalities for the edit form's suggestions: the seat that makes a member eligible is there. */
export const municipalitySuggestions = oncePerDb((db) => selectRegionMunicipalities(db, LOMBARDY_REGION_CODE));
