import type { Db } from '../../db/db.ts';
import { pgErrorCode } from '../../db/db.ts';
import { ConflictError, ValidationError } from '../../lib/errors.ts';

/** Who reads: the visibility rules of DESIGN.md are applied in SQL from these three facts. */
export type Reader = {
  /** Organisations the reader belongs to (member or org_admin). */
  orgIds: string[];
  /** Clusters whose staff the reader is; null means every cluster (region officers, platform admins). */
  staffClusterIds: string[] | null;
};

/**
 * $1 orgIds, $2 staffClusterIds (null = all), with `x` the declaration's alias.
 * Public: validated and public. Members-only validated: readers whose organisation is an active member of one of the
 * same clusters. Anything else: the owner and the staff of a cluster where the organisation is an active member.
 */
const visible = (x: string) => `(
  (${x}.status = 'validated' AND ${x}.visibility = 'public')
  OR ${x}.organisation_id = ANY($1::uuid[])
  OR $2::uuid[] IS NULL
  OR EXISTS (SELECT 1 FROM membership m WHERE m.organisation_id = ${x}.organisation_id AND m.status = 'active' AND m.cluster_id = ANY($2::uuid[]))
  OR (${x}.status = 'validated' AND EXISTS (
        SELECT 1 FROM membership m1 JOIN membership m2 ON m2.cluster_id = m1.cluster_id AND m2.status = 'active'
         WHERE m1.organisation_id = ${x}.organisation_id AND m1.status = 'active' AND m2.organisation_id = ANY($1::uuid[])))
)`;

export type CompetenceRow = {
  id: string;
  organisation_id: string;
  concept_id: string;
  scheme: string;
  label_it: string;
  label_en: string;
  kind: 'produces' | 'service' | 'research';
  description: string | null;
  evidence: string | null;
  visibility: 'public' | 'members';
  status: 'submitted' | 'validated' | 'rejected';
  review_note: string | null;
  reviewed_at: Date | null;
  updated_at: Date;
  organisation_name: string;
};

const competenceColumns = `c.id, c.organisation_id, c.concept_id, ce.scheme, ce.label_it, ce.label_en, c.kind, c.description, c.evidence,
  c.visibility, c.status, c.review_note, c.reviewed_at, c.updated_at, o.legal_name AS organisation_name`;
const competenceFrom = `organisation_competence c JOIN concept_effective ce ON ce.id = c.concept_id JOIN organisation o ON o.id = c.organisation_id`;

export async function selectVisibleCompetences(db: Db, reader: Reader, organisationId: string, limit: number, offset: number) {
  const rows = await db.query<CompetenceRow & { total: number }>(
    `SELECT ${competenceColumns}, count(*) OVER () AS total FROM ${competenceFrom}
      WHERE c.organisation_id = $3 AND ${visible('c')}
      ORDER BY ce.scheme, ce.position, c.kind LIMIT $4 OFFSET $5`,
    [reader.orgIds, reader.staffClusterIds, organisationId, limit, offset],
  );
  return { rows, total: rows[0]?.total ?? 0 };
}

export type FacilityRow = {
  id: string;
  organisation_id: string;
  kind: 'laboratory' | 'equipment' | 'certified_service';
  name: string;
  description: string | null;
  certification: string | null;
  accreditation_reference: string | null;
  concept_ids: string[];
  visibility: 'public' | 'members';
  status: 'submitted' | 'validated' | 'rejected';
  review_note: string | null;
  reviewed_at: Date | null;
  updated_at: Date;
  organisation_name: string;
};

const facilityColumns = `f.id, f.organisation_id, f.kind, f.name, f.description, f.certification, f.accreditation_reference, f.concept_ids,
  f.visibility, f.status, f.review_note, f.reviewed_at, f.updated_at, o.legal_name AS organisation_name`;
const facilityFrom = 'facility f JOIN organisation o ON o.id = f.organisation_id';

export async function selectVisibleFacilities(db: Db, reader: Reader, organisationId: string, limit: number, offset: number) {
  const rows = await db.query<FacilityRow & { total: number }>(
    `SELECT ${facilityColumns}, count(*) OVER () AS total FROM ${facilityFrom}
      WHERE f.organisation_id = $3 AND ${visible('f')}
      ORDER BY f.kind, f.name, f.id LIMIT $4 OFFSET $5`,
    [reader.orgIds, reader.staffClusterIds, organisationId, limit, offset],
  );
  return { rows, total: rows[0]?.total ?? 0 };
}

export async function selectCompetence(db: Db, id: string, lock = false): Promise<CompetenceRow | undefined> {
  const [row] = await db.query<CompetenceRow>(
    `SELECT ${competenceColumns} FROM ${competenceFrom} WHERE c.id = $1${lock ? ' FOR UPDATE OF c' : ''}`,
    [id],
  );
  return row;
}

export async function selectFacility(db: Db, id: string, lock = false): Promise<FacilityRow | undefined> {
  const [row] = await db.query<FacilityRow>(`SELECT ${facilityColumns} FROM ${facilityFrom} WHERE f.id = $1${lock ? ' FOR UPDATE OF f' : ''}`, [id]);
  return row;
}

export async function organisationExists(db: Db, id: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM organisation WHERE id = $1', [id])).length > 0;
}

/** Clusters where the organisation is an active member: their staff review its declarations. */
export async function selectActiveClusterIds(db: Db, organisationId: string): Promise<string[]> {
  const rows = await db.query<{ cluster_id: string }>(
    "SELECT cluster_id FROM membership WHERE organisation_id = $1 AND status = 'active' ORDER BY cluster_id",
    [organisationId],
  );
  return rows.map((r) => r.cluster_id);
}

export async function selectUnknownConcepts(db: Db, ids: string[]): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    'SELECT q.id FROM unnest($1::text[]) q(id) WHERE NOT EXISTS (SELECT 1 FROM concept c WHERE c.id = q.id AND NOT c.retired)',
    [ids],
  );
  return rows.map((r) => r.id);
}

function mapErrors(err: unknown): never {
  const code = pgErrorCode(err);
  if (code === '23505') throw new ConflictError('duplicate_competence', 'This competence is already declared', { conceptId: 'taken' });
  if (code === '23503') throw new ValidationError({ conceptId: 'invalid' });
  throw err;
}

export async function insertCompetence(
  db: Db,
  v: { organisationId: string; conceptId: string; kind: string; description: string | null; evidence: string | null; visibility: string; userId: string },
): Promise<string> {
  try {
    const [row] = await db.query<{ id: string }>(
      `INSERT INTO organisation_competence (organisation_id, concept_id, kind, description, evidence, visibility, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [v.organisationId, v.conceptId, v.kind, v.description, v.evidence, v.visibility, v.userId],
    );
    return row.id;
  } catch (err) {
    mapErrors(err);
  }
}

/** Any edit by the owner sends the declaration back to review. */
export async function updateCompetenceRow(
  db: Db,
  id: string,
  v: { conceptId: string; kind: string; description: string | null; evidence: string | null; visibility: string },
): Promise<void> {
  try {
    await db.query(
      `UPDATE organisation_competence SET concept_id = $2, kind = $3, description = $4, evidence = $5, visibility = $6,
         status = 'submitted', review_note = NULL, reviewed_by = NULL, reviewed_at = NULL, updated_at = now()
       WHERE id = $1`,
      [id, v.conceptId, v.kind, v.description, v.evidence, v.visibility],
    );
  } catch (err) {
    mapErrors(err);
  }
}

export async function deleteCompetenceRow(db: Db, id: string): Promise<void> {
  await db.query('DELETE FROM organisation_competence WHERE id = $1', [id]);
}

export async function insertFacility(
  db: Db,
  v: {
    organisationId: string;
    kind: string;
    name: string;
    description: string | null;
    certification: string | null;
    accreditationReference: string | null;
    conceptIds: string[];
    visibility: string;
    userId: string;
  },
): Promise<string> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO facility (organisation_id, kind, name, description, certification, accreditation_reference, concept_ids, visibility, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [v.organisationId, v.kind, v.name, v.description, v.certification, v.accreditationReference, v.conceptIds, v.visibility, v.userId],
  );
  return row.id;
}

export async function updateFacilityRow(
  db: Db,
  id: string,
  v: {
    kind: string;
    name: string;
    description: string | null;
    certification: string | null;
    accreditationReference: string | null;
    conceptIds: string[];
    visibility: string;
  },
): Promise<void> {
  await db.query(
    `UPDATE facility SET kind = $2, name = $3, description = $4, certification = $5, accreditation_reference = $6, concept_ids = $7,
       visibility = $8, status = 'submitted', review_note = NULL, reviewed_by = NULL, reviewed_at = NULL, updated_at = now()
     WHERE id = $1`,
    [id, v.kind, v.name, v.description, v.certification, v.accreditationReference, v.conceptIds, v.visibility],
  );
}

export async function deleteFacilityRow(db: Db, id: string): Promise<void> {
  await db.query('DELETE FROM facility WHERE id = $1', [id]);
}

export async function setReview(db: Db, table: 'organisation_competence' | 'facility', id: string, status: string, note: string | null, userId: string) {
  await db.query(
    `UPDATE ${table} SET status = $2, review_note = $3, reviewed_by = $4, reviewed_at = now() WHERE id = $1`,
    [id, status, note, userId],
  );
}

/** Submitted declarations of organisations that are active members of the clusters (null: all clusters). */
export async function selectQueue(db: Db, clusterIds: string[] | null) {
  const inScope = (x: string) =>
    `($1::uuid[] IS NULL OR EXISTS (SELECT 1 FROM membership m WHERE m.organisation_id = ${x}.organisation_id AND m.status = 'active' AND m.cluster_id = ANY($1::uuid[])))`;
  const competences = await db.query<CompetenceRow>(
    `SELECT ${competenceColumns} FROM ${competenceFrom} WHERE c.status = 'submitted' AND ${inScope('c')} ORDER BY c.updated_at, c.id LIMIT 500`,
    [clusterIds],
  );
  const facilities = await db.query<FacilityRow>(
    `SELECT ${facilityColumns} FROM ${facilityFrom} WHERE f.status = 'submitted' AND ${inScope('f')} ORDER BY f.updated_at, f.id LIMIT 500`,
    [clusterIds],
  );
  return { competences, facilities };
}

export async function selectOrganisationAteco(db: Db, organisationId: string): Promise<string[]> {
  const rows = await db.query<{ ateco_code: string }>('SELECT ateco_code FROM organisation_ateco WHERE organisation_id = $1 ORDER BY ateco_code', [
    organisationId,
  ]);
  return rows.map((r) => r.ateco_code);
}

export async function selectOrganisationName(db: Db, id: string): Promise<string | undefined> {
  const [row] = await db.query<{ legal_name: string }>('SELECT legal_name FROM organisation WHERE id = $1', [id]);
  return row?.legal_name;
}
