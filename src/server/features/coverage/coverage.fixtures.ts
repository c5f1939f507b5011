import type { Db } from '../../db/db.ts';

/** Test data only: a competence declaration, validated and public unless told otherwise. */
export async function addCompetence(db: Db, organisationId: string, conceptId: string, o: { status?: string; visibility?: string; kind?: string } = {}) {
  await db.query(
    'INSERT INTO organisation_competence (organisation_id, concept_id, kind, visibility, status) VALUES ($1, $2, $3, $4, $5)',
    [organisationId, conceptId, o.kind ?? 'service', o.visibility ?? 'public', o.status ?? 'validated'],
  );
}
