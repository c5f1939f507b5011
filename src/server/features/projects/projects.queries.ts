import type { Db } from '../../db/db.ts';
import { pgErrorCode } from '../../db/db.ts';
import { ConflictError } from '../../lib/errors.ts';
import type { ParticipantRole, ParticipationStatus, Programme } from './projects.schemas.ts';

/** The organisation, whether the public may see it (an active membership), and the clusters whose staff look after it. */
export type OrganisationFacts = { id: string; legal_name: string; is_public: boolean; cluster_ids: string[]; active_cluster_ids: string[] };

const orgFacts = (o: string) => `${o}.id, ${o}.legal_name,
  EXISTS (SELECT 1 FROM membership m WHERE m.organisation_id = ${o}.id AND m.status = 'active') AS is_public,
  coalesce((SELECT array_agg(m.cluster_id ORDER BY m.cluster_id) FROM membership m WHERE m.organisation_id = ${o}.id AND m.status <> 'withdrawn'), '{}') AS cluster_ids,
  coalesce((SELECT array_agg(m.cluster_id ORDER BY m.cluster_id) FROM membership m WHERE m.organisation_id = ${o}.id AND m.status = 'active'), '{}') AS active_cluster_ids`;

export async function selectOrganisation(db: Db, id: string): Promise<OrganisationFacts | undefined> {
  const [row] = await db.query<OrganisationFacts>(`SELECT ${orgFacts('o')} FROM organisation o WHERE o.id = $1`, [id]);
  return row;
}

export type ProjectRow = {
  id: string;
  programme: Programme;
  reference: string | null;
  acronym: string;
  title: string;
  summary: string;
  language: 'it' | 'en';
  url: string | null;
  start_date: string | null;
  end_date: string | null;
  updated_at: Date | string;
};

const projectColumns = (p: string) =>
  `${p}.id, ${p}.programme, ${p}.reference, ${p}.acronym, ${p}.title, ${p}.summary, ${p}.language, ${p}.url, ${p}.start_date, ${p}.end_date, ${p}.updated_at`;

export async function selectProject(db: Db, id: string, lock = false): Promise<ProjectRow | undefined> {
  const [row] = await db.query<ProjectRow>(`SELECT ${projectColumns('p')} FROM project p WHERE p.id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return row;
}

/** A participation: the organisation, its role, and where the staff's check stands (the note is for its managers). */
export type ParticipantRow = OrganisationFacts & { role: ParticipantRole; status: ParticipationStatus; review_note: string | null };

export async function selectParticipants(db: Db, projectId: string): Promise<ParticipantRow[]> {
  return db.query<ParticipantRow>(
    `SELECT ${orgFacts('o')}, pp.role, pp.status, pp.review_note FROM project_participant pp JOIN organisation o ON o.id = pp.organisation_id
      WHERE pp.project_id = $1 ORDER BY lower(o.legal_name), o.id`,
    [projectId],
  );
}

/** The organisation's projects, newest first, each with every participant (the domain keeps those the reader may see). */
export type OwnProjectRow = ProjectRow & { role: ParticipantRole; status: ParticipationStatus; review_note: string | null; participants: ParticipantRow[] };

export async function selectOrganisationProjects(db: Db, organisationId: string): Promise<OwnProjectRow[]> {
  return db.query(
    `SELECT ${projectColumns('p')}, own.role, own.status, own.review_note,
            (SELECT coalesce(json_agg(x ORDER BY lower(x.legal_name), x.id), '[]') FROM (
               SELECT ${orgFacts('o')}, pp.role, pp.status, pp.review_note FROM project_participant pp JOIN organisation o ON o.id = pp.organisation_id
                WHERE pp.project_id = p.id) x) AS participants
       FROM project_participant own JOIN project p ON p.id = own.project_id
      WHERE own.organisation_id = $1
      ORDER BY p.start_date DESC NULLS LAST, p.acronym, p.id`,
    [organisationId],
  );
}

export type ProjectValues = {
  programme: Programme;
  reference: string | null;
  acronym: string;
  title: string;
  summary: string;
  language: 'it' | 'en';
  url: string | null;
  startDate: string | null;
  endDate: string | null;
};

const values = (v: ProjectValues) => [v.programme, v.reference, v.acronym, v.title, v.summary, v.language, v.url, v.startDate, v.endDate];

/**
 * A new project, or the one already known by the same programme and reference (its details are kept).
 * ON CONFLICT rather than look-then-insert: two organisations declaring the same project at once still share one row.
 */
export async function insertOrFindProject(tx: Db, v: ProjectValues, userId: string): Promise<{ id: string; created: boolean }> {
  const conflict = v.reference === null ? '' : ' ON CONFLICT (programme, reference) WHERE reference IS NOT NULL DO NOTHING';
  // Twice at most: the project found by the conflict may be deleted (its last participant removed) before we lock it.
  for (let attempt = 0; ; attempt++) {
    const [row] = await tx.query<{ id: string }>(
      `INSERT INTO project (programme, reference, acronym, title, summary, language, url, start_date, end_date, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)${conflict} RETURNING id`,
      [...values(v), userId],
    );
    if (row) return { id: row.id, created: true };
    const [existing] = await tx.query<{ id: string }>('SELECT id FROM project WHERE programme = $1 AND reference = $2 FOR UPDATE', [v.programme, v.reference]);
    if (existing) return { id: existing.id, created: false };
    if (attempt > 0) throw new ConflictError('project_changed', 'The project changed while it was declared: try again');
  }
}

export async function participationExists(db: Db, projectId: string, organisationId: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM project_participant WHERE project_id = $1 AND organisation_id = $2', [projectId, organisationId])).length > 0;
}

/** A validated participation records its reviewer: the staff member or admin who declared it. */
export async function insertParticipant(
  tx: Db,
  v: { projectId: string; organisationId: string; role: ParticipantRole; userId: string; status: 'submitted' | 'validated' },
): Promise<void> {
  try {
    await tx.query(
      `INSERT INTO project_participant (project_id, organisation_id, role, created_by, status, reviewed_by, reviewed_at)
       VALUES ($1, $2, $3, $4, $5, CASE WHEN $5 = 'validated' THEN $4::uuid END, CASE WHEN $5 = 'validated' THEN now() END)`,
      [v.projectId, v.organisationId, v.role, v.userId, v.status],
    );
  } catch (err) {
    if (pgErrorCode(err) === '23505') throw duplicateParticipation();
    throw err;
  }
}

export const duplicateParticipation = () =>
  new ConflictError('duplicate_participation', 'The organisation has already declared this project', { reference: 'already_declared' });

export async function updateProjectRow(tx: Db, id: string, v: ProjectValues): Promise<void> {
  try {
    await tx.query(
      `UPDATE project SET programme = $2, reference = $3, acronym = $4, title = $5, summary = $6, language = $7, url = $8,
              start_date = $9, end_date = $10, updated_at = now()
        WHERE id = $1`,
      [id, ...values(v)],
    );
  } catch (err) {
    if (pgErrorCode(err) === '23505') {
      throw new ConflictError('duplicate_project', 'Another project has this programme and reference', { reference: 'taken' });
    }
    throw err;
  }
}

export async function deleteParticipantRow(tx: Db, projectId: string, organisationId: string): Promise<{ role: ParticipantRole } | undefined> {
  const [row] = await tx.query<{ role: ParticipantRole }>(
    'DELETE FROM project_participant WHERE project_id = $1 AND organisation_id = $2 RETURNING role',
    [projectId, organisationId],
  );
  return row;
}

/** Deletes the project when nobody takes part in it any more; true when it did. */
export async function deleteProjectIfOrphan(tx: Db, projectId: string): Promise<boolean> {
  const rows = await tx.query(
    'DELETE FROM project p WHERE p.id = $1 AND NOT EXISTS (SELECT 1 FROM project_participant pp WHERE pp.project_id = p.id) RETURNING p.id',
    [projectId],
  );
  return rows.length > 0;
}

export async function selectParticipation(tx: Db, projectId: string, organisationId: string): Promise<{ status: ParticipationStatus; role: ParticipantRole } | undefined> {
  const [row] = await tx.query<{ status: ParticipationStatus; role: ParticipantRole }>(
    'SELECT status, role FROM project_participant WHERE project_id = $1 AND organisation_id = $2 FOR UPDATE',
    [projectId, organisationId],
  );
  return row;
}

export async function updateParticipationReview(
  tx: Db,
  v: { projectId: string; organisationId: string; status: 'validated' | 'rejected'; note: string | null; userId: string },
): Promise<void> {
  await tx.query(
    `UPDATE project_participant SET status = $3, review_note = $4, reviewed_by = $5, reviewed_at = now()
      WHERE project_id = $1 AND organisation_id = $2`,
    [v.projectId, v.organisationId, v.status, v.note, v.userId],
  );
}

/** A rejected participation goes back to the queue: the previous decision is in the audit log. */
export async function resubmitParticipationRow(tx: Db, projectId: string, organisationId: string): Promise<void> {
  await tx.query(
    `UPDATE project_participant SET status = 'submitted', review_note = NULL, reviewed_by = NULL, reviewed_at = NULL
      WHERE project_id = $1 AND organisation_id = $2`,
    [projectId, organisationId],
  );
}

/** Organisations with an active membership in one of these clusters (all when null). */
const inClusters = (param: string) =>
  `(${param}::uuid[] IS NULL OR EXISTS (SELECT 1 FROM membership m WHERE m.organisation_id = pp.organisation_id AND m.status = 'active' AND m.cluster_id = ANY(${param}::uuid[])))`;

export type QueueRow = ProjectRow & {
  organisation_id: string;
  organisation_name: string;
  role: ParticipantRole;
  declared_at: Date | string;
  declared_by: string | null;
};

/** Submitted participations of organisations in these clusters (every cluster when null), oldest first. */
export async function selectQueue(db: Db, clusterIds: string[] | null, page: { limit: number; offset: number }): Promise<{ rows: QueueRow[]; total: number }> {
  const where = `pp.status = 'submitted' AND ${inClusters('$1')}`;
  const rows = await db.query<QueueRow>(
    `SELECT ${projectColumns('p')}, o.id AS organisation_id, o.legal_name AS organisation_name, pp.role, pp.created_at AS declared_at,
            u.name AS declared_by
       FROM project_participant pp JOIN project p ON p.id = pp.project_id JOIN organisation o ON o.id = pp.organisation_id
       LEFT JOIN app_user u ON u.id = pp.created_by
      WHERE ${where}
      ORDER BY pp.created_at, pp.project_id, pp.organisation_id
      LIMIT $2 OFFSET $3`,
    [clusterIds, page.limit, page.offset],
  );
  return { rows, total: await countQueue(db, clusterIds) };
}

export async function countQueue(db: Db, clusterIds: string[] | null): Promise<number> {
  const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM project_participant pp WHERE pp.status = 'submitted' AND ${inClusters('$1')}`, [
    clusterIds,
  ]);
  return row.n;
}
