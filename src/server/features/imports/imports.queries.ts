import type { Db } from '../../db/db.ts';
import type { OrganisationData } from '../organisations/organisations.schemas.ts';

export type ImportRow = {
  row: number;
  data: OrganisationData;
  joinCluster: boolean;
  /** Absent in batches validated before the competences column existed. */
  competences?: { conceptId: string; kind: string }[];
};
export type ImportError = { row: number; column: string; reason: string };
export type BatchRecord = {
  id: string;
  cluster_id: string;
  created_by: string | null;
  status: 'validated' | 'applying' | 'done' | 'failed';
  file_name: string;
  row_count: number;
  valid_count: number;
  errors: ImportError[];
  progress: number;
  created_count: number;
  updated_count: number;
  joined_count: number;
  /** Competence entries (concept and kind, once per organisation) of the rows applied so far. */
  competences_count: number;
  created_at: string;
  finished_at: string | null;
};

// The competences applied are read from the stored rows up to the progress: a row is applied with all its
// competences in one transaction, so this count moves with the others.
const batchColumns = `id, cluster_id, created_by, status, file_name, row_count, jsonb_array_length(rows) AS valid_count, errors,
  progress, created_count, updated_count, joined_count,
  (SELECT count(*)::int
     FROM jsonb_array_elements(rows) WITH ORDINALITY AS r(item, n)
     CROSS JOIN LATERAL (SELECT DISTINCT e.c->>'conceptId', e.c->>'kind'
                           FROM jsonb_array_elements(coalesce(r.item->'competences', '[]'::jsonb)) AS e(c)) d
    WHERE r.n <= progress) AS competences_count,
  created_at, finished_at`;

export async function insertBatch(
  db: Db,
  b: { clusterId: string; createdBy: string; fileName: string; rowCount: number; errors: ImportError[]; rows: ImportRow[] },
): Promise<{ id: string }> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO import_batch (cluster_id, created_by, file_name, row_count, errors, rows)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb) RETURNING id`,
    [b.clusterId, b.createdBy, b.fileName, b.rowCount, JSON.stringify(b.errors), JSON.stringify(b.rows)],
  );
  return row;
}

export async function selectBatch(db: Db, id: string, opts: { forUpdate?: boolean } = {}): Promise<BatchRecord | null> {
  const [row] = await db.query<BatchRecord>(`SELECT ${batchColumns} FROM import_batch WHERE id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  return row ?? null;
}

export async function selectBatchRows(db: Db, id: string): Promise<ImportRow[]> {
  const [row] = await db.query<{ rows: ImportRow[] }>('SELECT rows FROM import_batch WHERE id = $1', [id]);
  return row?.rows ?? [];
}

export async function updateBatchStatus(db: Db, id: string, status: BatchRecord['status'], lastError: string | null = null): Promise<void> {
  await db.query(
    `UPDATE import_batch SET status = $2, last_error = $3,
            finished_at = CASE WHEN $2 IN ('done', 'failed') THEN now() ELSE finished_at END
      WHERE id = $1`,
    [id, status, lastError],
  );
}

export async function updateBatchProgress(db: Db, id: string, p: { progress: number; created: number; updated: number; joined: number }): Promise<void> {
  await db.query(
    `UPDATE import_batch SET progress = $2, created_count = created_count + $3, updated_count = updated_count + $4,
            joined_count = joined_count + $5 WHERE id = $1`,
    [id, p.progress, p.created, p.updated, p.joined],
  );
}

/** Every municipality matching each value (ISTAT code or folded name): one query for the whole file. */
export async function selectMunicipalitiesFor(
  db: Db,
  codes: string[],
  names: string[],
): Promise<{ input: string; istat_code: string; province_acronym: string }[]> {
  return db.query(
    `SELECT x AS input, m.istat_code, p.acronym AS province_acronym
       FROM unnest($1::text[]) x JOIN municipality m ON m.istat_code = x JOIN province p ON p.code = m.province_code
     UNION ALL
     SELECT x AS input, m.istat_code, p.acronym AS province_acronym
       FROM unnest($2::text[]) x JOIN municipality m ON fold_text(m.name) = fold_text(x) JOIN province p ON p.code = m.province_code`,
    [codes, names],
  );
}

/** Organisations already registered with the tax identity of each row (VAT with VAT, tax code with tax code, and the 11-digit cross match). */
export async function selectExistingByTaxIdentity(
  db: Db,
  keys: { i: number; vc: string | null; vat: string | null; tax: string | null }[],
): Promise<Map<number, string>> {
  const rows = await db.query<{ i: number; id: string | null }>(
    // One indexed lookup per kind of match (an OR across them would scan the table for every row).
    `SELECT r.i, coalesce(
              (SELECT o.id FROM organisation o WHERE o.vat_country = r.vc AND o.vat_number = r.vat LIMIT 1),
              (SELECT o.id FROM organisation o WHERE o.tax_code = r.tax LIMIT 1),
              (SELECT o.id FROM organisation o WHERE r.vc = 'IT' AND o.tax_code = r.vat LIMIT 1),
              (SELECT o.id FROM organisation o WHERE r.tax ~ '^[0-9]{11}$' AND o.vat_country = 'IT' AND o.vat_number = r.tax LIMIT 1)) AS id
       FROM json_to_recordset($1::json) AS r(i int, vc char(2), vat text, tax text)`,
    [JSON.stringify(keys)],
  );
  return new Map(rows.filter((r) => r.id).map((r) => [r.i, r.id as string]));
}

type OrgJson = {
  id: string;
  legal_name: string;
  category: string | null;
  vat_country: string | null;
  vat_number: string | null;
  tax_code: string | null;
  staff_headcount: number | null;
  annual_turnover_eur: number | null;
  balance_sheet_eur: number | null;
  website: string | null;
};
const orgRecordset = `json_to_recordset($1::json) AS r(id uuid, legal_name text, category text, vat_country text, vat_number text,
  tax_code text, staff_headcount numeric, annual_turnover_eur numeric, balance_sheet_eur numeric, website text)`;

export async function insertOrganisations(tx: Db, orgs: OrgJson[]): Promise<void> {
  if (!orgs.length) return;
  await tx.query(
    `INSERT INTO organisation (id, legal_name, category, vat_country, vat_number, tax_code, staff_headcount, annual_turnover_eur,
       balance_sheet_eur, website)
     SELECT id, legal_name, category, vat_country, vat_number, tax_code, staff_headcount, annual_turnover_eur, balance_sheet_eur, website
       FROM ${orgRecordset}`,
    [JSON.stringify(orgs)],
  );
}

/** An empty cell keeps what the organisation already states; a filled one replaces it. */
export async function updateOrganisations(tx: Db, orgs: OrgJson[]): Promise<void> {
  if (!orgs.length) return;
  await tx.query(
    `UPDATE organisation o SET legal_name = r.legal_name, category = coalesce(r.category, o.category),
            vat_country = coalesce(r.vat_country, o.vat_country), vat_number = coalesce(r.vat_number, o.vat_number),
            tax_code = coalesce(r.tax_code, o.tax_code), staff_headcount = coalesce(r.staff_headcount, o.staff_headcount),
            annual_turnover_eur = coalesce(r.annual_turnover_eur, o.annual_turnover_eur),
            balance_sheet_eur = coalesce(r.balance_sheet_eur, o.balance_sheet_eur), website = coalesce(r.website, o.website),
            updated_at = now()
       FROM ${orgRecordset} WHERE o.id = r.id`,
    [JSON.stringify(orgs)],
  );
}

/** Seats of the listed organisations replaced by kind: a kind the file leaves empty keeps its current seat. */
export async function replaceSeatsOf(
  tx: Db,
  seats: { organisation_id: string; kind: string; country: string; municipality_code: string | null; address: string | null }[],
): Promise<void> {
  if (!seats.length) return;
  const json = JSON.stringify(seats);
  await tx.query(
    `DELETE FROM seat s USING json_to_recordset($1::json) AS r(organisation_id uuid, kind text)
      WHERE s.organisation_id = r.organisation_id AND s.kind = r.kind`,
    [json],
  );
  await tx.query(
    `INSERT INTO seat (organisation_id, kind, country, municipality_code, address)
     SELECT organisation_id, kind, country, municipality_code, address
       FROM json_to_recordset($1::json) AS r(organisation_id uuid, kind text, country text, municipality_code text, address text)`,
    [json],
  );
}

export async function replaceAtecoOf(tx: Db, rows: { organisation_id: string; code: string; is_primary: boolean }[]): Promise<void> {
  if (!rows.length) return;
  const json = JSON.stringify(rows);
  await tx.query(
    `DELETE FROM organisation_ateco a WHERE a.organisation_id IN (SELECT organisation_id FROM json_to_recordset($1::json) AS r(organisation_id uuid))`,
    [json],
  );
  await tx.query(
    `INSERT INTO organisation_ateco (organisation_id, ateco_code, is_primary)
     SELECT organisation_id, code, is_primary FROM json_to_recordset($1::json) AS r(organisation_id uuid, code text, is_primary boolean)`,
    [json],
  );
}

/** Active memberships for organisations not yet in the cluster, each with its 'admitted' event. Returns how many joined. */
export async function admitMembers(tx: Db, clusterId: string, organisationIds: string[], actorUserId: string | null): Promise<number> {
  if (!organisationIds.length) return 0;
  const rows = await tx.query<{ id: string }>(
    `INSERT INTO membership (cluster_id, organisation_id, role, status, joined_on)
     SELECT $1, x, 'member', 'active', CURRENT_DATE FROM unnest($2::uuid[]) x
     ON CONFLICT (cluster_id, organisation_id) DO NOTHING RETURNING id`,
    [clusterId, organisationIds],
  );
  if (!rows.length) return 0;
  await tx.query(
    `INSERT INTO membership_event (membership_id, kind, reason, decided_on, actor_user_id)
     SELECT x, 'admitted', 'import', CURRENT_DATE, $2 FROM unnest($1::uuid[]) x`,
    [rows.map((r) => r.id), actorUserId],
  );
  return rows.length;
}

/** Competences declared by the import, as submitted for staff review; one already declared is left as it is. Returns how many were added. */
export async function insertCompetences(
  tx: Db,
  rows: { organisation_id: string; concept_id: string; kind: string }[],
  createdBy: string | null,
): Promise<number> {
  if (!rows.length) return 0;
  const added = await tx.query<{ id: string }>(
    `INSERT INTO organisation_competence (organisation_id, concept_id, kind, visibility, status, created_by)
     SELECT DISTINCT organisation_id, concept_id, kind, 'public', 'submitted', $2::uuid
       FROM json_to_recordset($1::json) AS r(organisation_id uuid, concept_id text, kind text)
     ON CONFLICT (organisation_id, concept_id, kind) DO NOTHING RETURNING id`,
    [JSON.stringify(rows), createdBy],
  );
  return added.length;
}

export async function selectClusterNames(db: Db, ids: string[]): Promise<{ id: string; name_it: string; name_en: string }[]> {
  return db.query('SELECT id, name_it, name_en FROM cluster WHERE id = ANY($1::uuid[]) ORDER BY name_it', [ids]);
}
