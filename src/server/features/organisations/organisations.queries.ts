import { type Db, pgErrorCode } from '../../db/db.ts';
import { ConflictError } from '../../lib/errors.ts';
import type { OrganisationData } from './organisations.schemas.ts';

export type OrganisationRecord = {
  id: string;
  legal_name: string;
  short_name: string | null;
  category: string | null;
  vat_country: string | null;
  vat_number: string | null;
  tax_code: string | null;
  staff_headcount: number | null;
  annual_turnover_eur: number | null;
  balance_sheet_eur: number | null;
  size_class: string | null;
  website: string | null;
  description_it: string | null;
  description_en: string | null;
  verified: boolean;
  created_at: string;
  updated_at: string;
};

const organisationColumns = `o.id, o.legal_name, o.short_name, o.category, o.vat_country, o.vat_number, o.tax_code,
  o.staff_headcount, o.annual_turnover_eur, o.balance_sheet_eur, o.size_class, o.website, o.description_it,
  o.description_en, o.verified, o.created_at, o.updated_at`;

function conflictFrom(err: unknown): never {
  if (pgErrorCode(err) === '23505') {
    const constraint = String((err as { constraint?: string }).constraint ?? '');
    const detail = String((err as { detail?: string }).detail ?? '');
    const field = constraint.includes('tax_code') || detail.includes('tax_code') ? 'taxCode' : 'vatNumber';
    throw new ConflictError('organisation_exists', 'An organisation with this tax identity is already registered', { [field]: 'taken' });
  }
  throw err;
}

type Columns = Omit<OrganisationData, 'atecoCodes' | 'seats'>;

function columnValues(d: Columns) {
  return [
    d.legalName,
    d.shortName ?? null,
    d.category ?? null,
    d.vatCountry ?? null,
    d.vatNumber ?? null,
    d.taxCode ?? null,
    d.staffHeadcount ?? null,
    d.annualTurnoverEur ?? null,
    d.balanceSheetEur ?? null,
    d.website ?? null,
    d.descriptionIt ?? null,
    d.descriptionEn ?? null,
  ];
}

export async function insertOrganisation(tx: Db, d: Columns, opts: { isDemo?: boolean } = {}): Promise<{ id: string }> {
  try {
    const [row] = await tx.query<{ id: string }>(
      `INSERT INTO organisation (legal_name, short_name, category, vat_country, vat_number, tax_code, staff_headcount,
         annual_turnover_eur, balance_sheet_eur, website, description_it, description_en, is_demo)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
      [...columnValues(d), !!opts.isDemo],
    );
    return row;
  } catch (err) {
    conflictFrom(err);
  }
}

export async function updateOrganisationRow(tx: Db, id: string, d: Columns): Promise<void> {
  try {
    await tx.query(
      `UPDATE organisation SET legal_name = $2, short_name = $3, category = $4, vat_country = $5, vat_number = $6,
         tax_code = $7, staff_headcount = $8, annual_turnover_eur = $9, balance_sheet_eur = $10, website = $11,
         description_it = $12, description_en = $13, updated_at = now()
       WHERE id = $1`,
      [id, ...columnValues(d)],
    );
  } catch (err) {
    conflictFrom(err);
  }
}

export async function replaceSeats(tx: Db, organisationId: string, seats: OrganisationData['seats']): Promise<void> {
  await tx.query('DELETE FROM seat WHERE organisation_id = $1', [organisationId]);
  if (!seats.length) return;
  await tx.query(
    `INSERT INTO seat (organisation_id, kind, country, municipality_code, foreign_city, address)
     SELECT $1, kind, country, municipality_code, foreign_city, address
       FROM json_to_recordset($2::json) AS s(kind text, country text, municipality_code text, foreign_city text, address text)`,
    [
      organisationId,
      JSON.stringify(
        seats.map((s) => ({
          kind: s.kind,
          country: s.country,
          municipality_code: s.municipalityCode ?? null,
          foreign_city: s.foreignCity ?? null,
          address: s.address ?? null,
        })),
      ),
    ],
  );
}

export async function replaceAtecoCodes(tx: Db, organisationId: string, codes: string[]): Promise<void> {
  await tx.query('DELETE FROM organisation_ateco WHERE organisation_id = $1', [organisationId]);
  if (!codes.length) return;
  // The first code given is the primary activity.
  await tx.query(
    `INSERT INTO organisation_ateco (organisation_id, ateco_code, is_primary)
     SELECT $1, code, ord = 1 FROM unnest($2::text[]) WITH ORDINALITY AS c(code, ord)`,
    [organisationId, codes],
  );
}

export type MunicipalityRow = { istat_code: string; name: string; province_acronym: string; region_code: string };

/**
 * Municipalities with this ISTAT code, or with this name (case- and accent-insensitive), optionally only in the
 * province with this acronym: several rows for a name found in more than one province.
 */
export async function selectMunicipalitiesMatching(
  db: Db,
  q: { code?: string; name?: string; provinceAcronym?: string },
): Promise<MunicipalityRow[]> {
  return db.query<MunicipalityRow>(
    `SELECT m.istat_code, m.name, p.acronym AS province_acronym, p.region_code
       FROM municipality m JOIN province p ON p.code = m.province_code
      WHERE ($1::text IS NOT NULL AND m.istat_code = $1)
         OR ($2::text IS NOT NULL AND fold_text(m.name) = fold_text($2) AND ($3::text IS NULL OR p.acronym = upper($3)))
      ORDER BY m.istat_code`,
    [q.code ?? null, q.name ?? null, q.provinceAcronym ?? null],
  );
}

export async function existingAtecoCodes(db: Db, codes: string[]): Promise<string[]> {
  if (!codes.length) return [];
  const rows = await db.query<{ code: string }>('SELECT code FROM ateco WHERE code = ANY($1::text[])', [codes]);
  return rows.map((r) => r.code);
}

/**
 * The organisation with this tax identity. An Italian entity's codice fiscale is often its VAT number (11 digits),
 * and one organisation may have stated it as one and another as the other: an Italian VAT number also matches an
 * 11-digit codice fiscale, and vice versa. Exact matches (VAT with VAT, tax code with tax code) come first.
 */
export async function selectOrganisationByTaxIdentity(
  db: Db,
  q: { vatCountry?: string | null; vatNumber?: string | null; taxCode?: string | null },
): Promise<{ id: string; legal_name: string } | null> {
  const [row] = await db.query<{ id: string; legal_name: string }>(
    `SELECT id, legal_name FROM organisation
      WHERE ($1::text IS NOT NULL AND vat_country = $2 AND vat_number = $1)
         OR ($3::text IS NOT NULL AND tax_code = $3)
         OR ($1::text IS NOT NULL AND $2 = 'IT' AND tax_code = $1)
         OR ($3::text IS NOT NULL AND $3 ~ '^[0-9]{11}$' AND vat_country = 'IT' AND vat_number = $3)
      ORDER BY (vat_country = $2 AND vat_number = $1) DESC NULLS LAST, (tax_code = $3) DESC NULLS LAST, created_at, id
      LIMIT 1`,
    [q.vatNumber ?? null, q.vatCountry ?? 'IT', q.taxCode ?? null],
  );
  return row ?? null;
}

export async function selectOrganisation(db: Db, id: string, opts: { forUpdate?: boolean } = {}): Promise<OrganisationRecord | null> {
  const [row] = await db.query<OrganisationRecord>(
    `SELECT ${organisationColumns} FROM organisation o WHERE o.id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return row ?? null;
}

export type SeatRecord = {
  id: string;
  kind: 'legal' | 'operational';
  country: string;
  municipality_code: string | null;
  municipality_name: string | null;
  province_code: string | null;
  province_acronym: string | null;
  province_name: string | null;
  region_code: string | null;
  region_name: string | null;
  foreign_city: string | null;
  address: string | null;
};

export async function selectSeats(db: Db, organisationId: string): Promise<SeatRecord[]> {
  return db.query<SeatRecord>(
    `SELECT s.id, s.kind, s.country, s.municipality_code, m.name AS municipality_name, p.code AS province_code,
            p.acronym AS province_acronym, p.name AS province_name, r.code AS region_code, r.name AS region_name,
            s.foreign_city, s.address
       FROM seat s
       LEFT JOIN municipality m ON m.istat_code = s.municipality_code
       LEFT JOIN province p ON p.code = m.province_code
       LEFT JOIN region r ON r.code = p.region_code
      WHERE s.organisation_id = $1
      ORDER BY s.kind, m.name, s.foreign_city`,
    [organisationId],
  );
}

export type AtecoRecord = { code: string; title_it: string; title_en: string; section: string; is_primary: boolean };

export async function selectAtecoCodes(db: Db, organisationId: string): Promise<AtecoRecord[]> {
  return db.query<AtecoRecord>(
    `SELECT a.code, a.title_it, a.title_en, a.section, oa.is_primary
       FROM organisation_ateco oa JOIN ateco a ON a.code = oa.ateco_code
      WHERE oa.organisation_id = $1
      ORDER BY oa.is_primary DESC, a.code`,
    [organisationId],
  );
}

export type DirectoryFilters = {
  cluster?: string;
  category?: string;
  province?: string;
  sizeClass?: string;
  atecoSection?: string;
  q?: string;
  /** A taxonomy concept and every concept below it (see selectConceptSubtree). */
  conceptIds?: string[];
};

export type DirectoryRow = {
  id: string;
  legal_name: string;
  short_name: string | null;
  category: string | null;
  size_class: string | null;
  website: string | null;
  provinces: string[];
  clusters: string[] | null;
};

/** The directory's filters over the derived columns that migration 0004 keeps up to date. */
function directoryWhere(f: DirectoryFilters, p: (v: unknown) => string): string {
  const w = [
    f.cluster
      ? `o.active_cluster_ids @> ARRAY[(SELECT id FROM cluster WHERE slug = ${p(f.cluster)})]`
      : `o.active_cluster_ids <> '{}'`,
  ];
  if (f.category) w.push(`o.category = ${p(f.category)}`);
  if (f.sizeClass) w.push(`o.size_class = ${p(f.sizeClass)}`);
  if (f.province) w.push(`o.province_acronyms @> ARRAY[${p(f.province)}::text]`);
  if (f.atecoSection) w.push(`o.ateco_sections @> ARRAY[${p(f.atecoSection)}::text]`);
  if (f.q) w.push(`o.name_search LIKE ${p(`%${likeEscape(f.q)}%`)}`);
  if (f.conceptIds) w.push(holdsConcept(p(f.conceptIds)));
  return w.join(' AND ');
}

/**
 * Organisations holding one of the concepts (an SQL text[] expression) through a validated, public competence or
 * a validated, public facility: what a visitor may see. Uncorrelated, so the holders are found once (competences
 * through organisation_competence_concept_idx), not per organisation. The map counts members with the same test.
 */
export function holdsConcept(conceptIds: string): string {
  return `o.id IN (SELECT oc.organisation_id FROM organisation_competence oc
                    WHERE oc.concept_id = ANY (${conceptIds}::text[]) AND oc.status = 'validated' AND oc.visibility = 'public'
                   UNION
                   SELECT f.organisation_id FROM facility f
                    WHERE f.concept_ids && ${conceptIds}::text[] AND f.status = 'validated' AND f.visibility = 'public')`;
}

export type ConceptSubtree = { id: string; scheme: string; label_it: string; label_en: string; ids: string[] };

/** The concept with the ids of itself and all its descendants (a stage and its sub-stages), or null when unknown. */
export async function selectConceptSubtree(db: Db, id: string): Promise<ConceptSubtree | null> {
  const [row] = await db.query<ConceptSubtree>(
    `WITH RECURSIVE sub(id) AS (
       SELECT id FROM concept WHERE id = $1
       UNION
       SELECT c.id FROM concept c JOIN sub ON c.parent_id = sub.id)
     SELECT e.id, e.scheme, e.label_it, e.label_en, ARRAY(SELECT id FROM sub ORDER BY id) AS ids
       FROM concept_effective e WHERE e.id = $1`,
    [id],
  );
  return row ?? null;
}

function params() {
  const list: unknown[] = [];
  return {
    list,
    p: (v: unknown) => {
      list.push(v);
      return `$${list.length}`;
    },
  };
}

/**
 * One page of the public directory (organisations with an active membership), in name order: the
 * query walks the name index and stops at the page's last row. The data version comes back in the same
 * snapshot, so the caller can reuse a total counted at that version.
 */
export async function selectDirectoryPage(
  db: Db,
  f: DirectoryFilters,
  page: number,
  pageSize: number,
): Promise<{ rows: DirectoryRow[]; version: number }> {
  const { list, p } = params();
  const where = directoryWhere(f, p);
  const rows = await db.query<DirectoryRow & { version: number }>(
    `SELECT v.version, d.*
       FROM directory_version v
       LEFT JOIN LATERAL (
         SELECT o.id, o.legal_name, o.short_name, o.category, o.size_class, o.website, o.province_acronyms AS provinces,
                (SELECT array_agg(cl.slug ORDER BY cl.slug) FROM cluster cl WHERE cl.id = ANY (o.active_cluster_ids)) AS clusters
           FROM organisation o
          WHERE ${where}
          ORDER BY lower(o.legal_name), o.id
          LIMIT ${p(pageSize)} OFFSET ${p((page - 1) * pageSize)}) d ON true`,
    list,
  );
  return { rows: rows.filter((r) => r.id !== null), version: Number(rows[0].version) };
}

/** The directory's data version (migration 0004): bumped at the commit of every write the directory shows. */
export async function selectDirectoryVersion(db: Db): Promise<number> {
  const [row] = await db.query<{ version: string | number }>('SELECT version FROM directory_version');
  return Number(row.version);
}

/** The exact number of matches, with the data version it was counted at. */
export async function countDirectory(db: Db, f: DirectoryFilters): Promise<{ total: number; version: number }> {
  const { list, p } = params();
  const [row] = await db.query<{ total: number; version: number }>(
    `SELECT (SELECT count(*) FROM organisation o WHERE ${directoryWhere(f, p)})::int AS total,
            (SELECT version FROM directory_version) AS version`,
    list,
  );
  return { total: row.total, version: Number(row.version) };
}

function likeEscape(q: string): string {
  return q.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export type MembershipRecord = {
  id: string;
  cluster_id: string;
  cluster_slug: string;
  cluster_name_it: string;
  cluster_name_en: string;
  role: string;
  status: string;
  is_leader_company: boolean;
  joined_on: string;
  left_on: string | null;
};

export async function selectMemberships(db: Db, organisationId: string): Promise<MembershipRecord[]> {
  return db.query<MembershipRecord>(
    `SELECT m.id, c.id AS cluster_id, c.slug AS cluster_slug, c.name_it AS cluster_name_it, c.name_en AS cluster_name_en,
            m.role, m.status, m.is_leader_company, m.joined_on, m.left_on
       FROM membership m JOIN cluster c ON c.id = m.cluster_id
      WHERE m.organisation_id = $1
      ORDER BY m.joined_on, c.slug`,
    [organisationId],
  );
}

export type MembershipEventRecord = {
  id: string;
  cluster_slug: string;
  kind: string;
  reason: string | null;
  decided_on: string | null;
  at: string;
};

export async function selectMembershipEvents(db: Db, organisationId: string): Promise<MembershipEventRecord[]> {
  return db.query<MembershipEventRecord>(
    `SELECT e.id, c.slug AS cluster_slug, e.kind, e.reason, e.decided_on, e.at
       FROM membership_event e JOIN membership m ON m.id = e.membership_id JOIN cluster c ON c.id = m.cluster_id
      WHERE m.organisation_id = $1
      ORDER BY e.at DESC`,
    [organisationId],
  );
}

/** Clusters whose staff look after the organisation: a cluster it has withdrawn from no longer does. */
export async function selectStaffClustersOf(db: Db, organisationId: string): Promise<string[]> {
  const rows = await db.query<{ cluster_id: string }>(
    `SELECT cluster_id FROM membership WHERE organisation_id = $1 AND status <> 'withdrawn'`,
    [organisationId],
  );
  return rows.map((r) => r.cluster_id);
}

export type MunicipalityRecord = {
  istat_code: string;
  name: string;
  province_acronym: string;
  province_name: string;
  region_code: string;
  region_name: string;
};

export async function searchMunicipalities(db: Db, q: string, region: string | undefined, limit: number): Promise<MunicipalityRecord[]> {
  const folded = likeEscape(q);
  return db.query<MunicipalityRecord>(
    `SELECT m.istat_code, m.name, p.acronym AS province_acronym, p.name AS province_name, r.code AS region_code, r.name AS region_name
       FROM municipality m JOIN province p ON p.code = m.province_code JOIN region r ON r.code = p.region_code
      WHERE ($1 = '' OR m.istat_code = $1 OR fold_text(m.name) LIKE '%' || fold_text($2) || '%')
        AND ($3::text IS NULL OR r.code = $3 OR fold_text(r.name) = fold_text($3))
      ORDER BY (fold_text(m.name) = fold_text($1)) DESC, (fold_text(m.name) LIKE fold_text($2) || '%') DESC, m.name, m.istat_code
      LIMIT $4`,
    [q, folded, region ?? null, limit],
  );
}

export async function searchAteco(db: Db, q: string, limit: number): Promise<{ code: string; level: number; section: string; title_it: string; title_en: string }[]> {
  const words = q
    .split(/\s+/)
    .map((w) => w.trim())
    .filter(Boolean)
    .slice(0, 5)
    .map(likeEscape);
  const isCode = /^[A-Za-z]$|^\d[\d.]*$/.test(q.trim());
  return db.query(
    `SELECT code, level, section, title_it, title_en FROM ateco
      WHERE ($1 AND code LIKE $2 || '%')
         OR (NOT $1 AND (SELECT bool_and(fold_text(title_it) LIKE '%' || fold_text(w) || '%' OR fold_text(title_en) LIKE '%' || fold_text(w) || '%')
                           FROM unnest($3::text[]) AS w))
      ORDER BY level, code
      LIMIT $4`,
    [isCode, isCode ? q.trim().toUpperCase() : '', words, limit],
  );
}

export async function selectProvinces(db: Db): Promise<{ acronym: string; name: string; region_name: string }[]> {
  return db.query(
    `SELECT p.acronym, p.name, r.name AS region_name FROM province p JOIN region r ON r.code = p.region_code ORDER BY p.name`,
  );
}

export async function selectAtecoSections(db: Db): Promise<{ code: string; title_it: string; title_en: string }[]> {
  return db.query(`SELECT code, title_it, title_en FROM ateco WHERE level = 1 ORDER BY code`);
}

export async function selectRegionMunicipalities(db: Db, regionCode: string): Promise<{ istat_code: string; name: string }[]> {
  return db.query(
    `SELECT m.istat_code, m.name FROM municipality m JOIN province p ON p.code = m.province_code WHERE p.region_code = $1 ORDER BY m.name`,
    [regionCode],
  );
}
