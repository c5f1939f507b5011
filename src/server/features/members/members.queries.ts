import { type Db, pgErrorCode } from '../../db/db.ts';
import { ConflictError } from '../../lib/errors.ts';

export type ClusterRef = { id: string; slug: string; name_it: string; name_en: string };

export async function findClusterBySlug(db: Db, slug: string): Promise<ClusterRef | undefined> {
  const [row] = await db.query<ClusterRef>('SELECT id, slug, name_it, name_en FROM cluster WHERE slug = $1', [slug]);
  return row;
}

export async function findUnknownAtecoCodes(db: Db, codes: string[]): Promise<string[]> {
  if (codes.length === 0) return [];
  const rows = await db.query<{ code: string }>(
    `SELECT c AS code FROM unnest($1::text[]) AS c WHERE NOT EXISTS (SELECT 1 FROM ateco a WHERE a.code = c)`,
    [codes],
  );
  return rows.map((r) => r.code);
}

export type TaxIdentity = { vatCountry?: string | null; vatNumber?: string | null; taxCode?: string | null };

/** Whether someone already administers this organisation (its users are theirs to manage). */
export async function organisationHasAdmin(db: Db, organisationId: string): Promise<boolean> {
  const [row] = await db.query<{ yes: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM user_role WHERE role = 'org_admin' AND organisation_id = $1) AS yes`,
    [organisationId],
  );
  return !!row?.yes;
}

/** The normalised keys of an application's tax identity (see 0006_members.sql): one pending application per key and cluster. */
export function applicationKeys(id: TaxIdentity): { vatKey: string | null; taxCodeKey: string | null } {
  return {
    vatKey: id.vatNumber ? `${(id.vatCountry || 'IT').toUpperCase()}:${id.vatNumber.toUpperCase()}` : null,
    taxCodeKey: id.taxCode ? id.taxCode.toUpperCase() : null,
  };
}

/** A pending application of the same tax identity in this cluster (one at a time). */
export async function findPendingApplication(db: Db, clusterId: string, id: TaxIdentity): Promise<string | undefined> {
  const k = applicationKeys(id);
  const [row] = await db.query<{ id: string }>(
    `SELECT id FROM application
      WHERE cluster_id = $1 AND status = 'submitted' AND (vat_key = $2 OR tax_code_key = $3)
      LIMIT 1`,
    [clusterId, k.vatKey, k.taxCodeKey],
  );
  return row?.id;
}

export function applicationPendingError(field: 'organisation.vatNumber' | 'organisation.taxCode'): ConflictError {
  return new ConflictError('application_pending', 'An application of this organisation is already waiting for a decision', {
    [field]: 'application_pending',
  });
}

/** Stores a submission; a concurrent one of the same tax identity (unique index) is the same 409 as the check before. */
export async function insertApplication(
  db: Db,
  a: { clusterId: string; data: unknown; checks: unknown; applicantEmail: string; locale: string; taxIdentity: TaxIdentity },
): Promise<{ id: string; submitted_at: string }> {
  const k = applicationKeys(a.taxIdentity);
  try {
    const [row] = await db.query<{ id: string; submitted_at: string }>(
      `INSERT INTO application (cluster_id, data, checks, applicant_email, locale, vat_key, tax_code_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, submitted_at`,
      [a.clusterId, JSON.stringify(a.data), JSON.stringify(a.checks), a.applicantEmail, a.locale, k.vatKey, k.taxCodeKey],
    );
    return row;
  } catch (err) {
    if (pgErrorCode(err) !== '23505') throw err;
    const where = `${String((err as { constraint?: string }).constraint ?? '')} ${String((err as { detail?: string }).detail ?? '')}`;
    throw applicationPendingError(where.includes('tax_code') || !k.vatKey ? 'organisation.taxCode' : 'organisation.vatNumber');
  }
}

export type ApplicationRow = {
  id: string;
  cluster_id: string;
  cluster_slug: string;
  cluster_name_it: string;
  cluster_name_en: string;
  status: 'submitted' | 'approved' | 'rejected';
  data: Record<string, any>;
  checks: { id: string; ok: boolean; detail: string }[];
  applicant_email: string;
  locale: 'it' | 'en';
  submitted_at: string | Date;
  decided_at: string | Date | null;
  board_meeting_on: string | null;
  decision_reason: string | null;
  organisation_id: string | null;
  membership_id: string | null;
};

const applicationSelect = `SELECT a.id, a.cluster_id, c.slug AS cluster_slug, c.name_it AS cluster_name_it, c.name_en AS cluster_name_en,
    a.status, a.data, a.checks, a.applicant_email, a.locale, a.submitted_at, a.decided_at, a.board_meeting_on,
    a.decision_reason, a.organisation_id, a.membership_id
  FROM application a JOIN cluster c ON c.id = a.cluster_id`;

export async function findApplication(db: Db, id: string, opts: { forUpdate?: boolean } = {}): Promise<ApplicationRow | undefined> {
  const [row] = await db.query<ApplicationRow>(
    `${applicationSelect} WHERE a.id = $1${opts.forUpdate ? ' FOR UPDATE OF a' : ''}`,
    [id],
  );
  return row;
}

export async function listApplications(
  db: Db,
  f: { clusterIds: string[] | null; clusterSlug?: string; status?: string; limit: number; offset: number },
): Promise<{ rows: ApplicationRow[]; total: number }> {
  const where = `WHERE ($1::uuid[] IS NULL OR a.cluster_id = ANY($1::uuid[]))
      AND ($2::text IS NULL OR c.slug = $2)
      AND ($3::text IS NULL OR a.status = $3)`;
  const params = [f.clusterIds, f.clusterSlug ?? null, f.status ?? null];
  const rows = await db.query<ApplicationRow>(
    `${applicationSelect} ${where} ORDER BY a.submitted_at DESC, a.id LIMIT $4 OFFSET $5`,
    [...params, f.limit, f.offset],
  );
  const [count] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM application a JOIN cluster c ON c.id = a.cluster_id ${where}`,
    params,
  );
  return { rows, total: count.n };
}

export async function markApplicationDecided(
  db: Db,
  d: {
    id: string;
    status: 'approved' | 'rejected';
    decidedBy: string | null;
    boardMeetingOn: string;
    reason: string | null;
    organisationId?: string | null;
    membershipId?: string | null;
  },
): Promise<void> {
  await db.query(
    `UPDATE application SET status = $2, decided_at = now(), decided_by = $3, board_meeting_on = $4, decision_reason = $5,
            organisation_id = $6, membership_id = $7
      WHERE id = $1`,
    [d.id, d.status, d.decidedBy, d.boardMeetingOn, d.reason, d.organisationId ?? null, d.membershipId ?? null],
  );
}

export type MembershipRow = {
  id: string;
  cluster_id: string;
  cluster_slug: string;
  cluster_name_it: string;
  cluster_name_en: string;
  organisation_id: string;
  legal_name: string;
  category: string | null;
  role: 'capofila' | 'promoter' | 'member';
  status: 'active' | 'suspended' | 'withdrawn';
  is_leader_company: boolean;
  leader_reason: string | null;
  joined_on: string;
  left_on: string | null;
};

const membershipSelect = `SELECT ms.id, ms.cluster_id, c.slug AS cluster_slug, c.name_it AS cluster_name_it, c.name_en AS cluster_name_en,
    ms.organisation_id, o.legal_name, o.category, ms.role, ms.status, ms.is_leader_company, ms.leader_reason,
    ms.joined_on, ms.left_on
  FROM membership ms JOIN cluster c ON c.id = ms.cluster_id JOIN organisation o ON o.id = ms.organisation_id`;

export async function findMembership(db: Db, id: string, opts: { forUpdate?: boolean } = {}): Promise<MembershipRow | undefined> {
  const [row] = await db.query<MembershipRow>(
    `${membershipSelect} WHERE ms.id = $1${opts.forUpdate ? ' FOR UPDATE OF ms' : ''}`,
    [id],
  );
  return row;
}

export async function findMembershipOf(
  db: Db,
  clusterId: string,
  organisationId: string,
  opts: { forUpdate?: boolean } = {},
): Promise<MembershipRow | undefined> {
  const [row] = await db.query<MembershipRow>(
    `${membershipSelect} WHERE ms.cluster_id = $1 AND ms.organisation_id = $2${opts.forUpdate ? ' FOR UPDATE OF ms' : ''}`,
    [clusterId, organisationId],
  );
  return row;
}

export async function listMemberships(
  db: Db,
  f: { clusterId: string; statuses: string[]; limit: number; offset: number },
): Promise<{ rows: MembershipRow[]; total: number }> {
  const rows = await db.query<MembershipRow>(
    `${membershipSelect} WHERE ms.cluster_id = $1 AND ms.status = ANY($2::text[])
      ORDER BY lower(o.legal_name), ms.id LIMIT $3 OFFSET $4`,
    [f.clusterId, f.statuses, f.limit, f.offset],
  );
  const [count] = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM membership WHERE cluster_id = $1 AND status = ANY($2::text[])',
    [f.clusterId, f.statuses],
  );
  return { rows, total: count.n };
}

export async function insertMembership(
  db: Db,
  m: { clusterId: string; organisationId: string; joinedOn: string; applicationId: string },
): Promise<string> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO membership (cluster_id, organisation_id, role, status, joined_on, application_id)
     VALUES ($1, $2, 'member', 'active', $3, $4) RETURNING id`,
    [m.clusterId, m.organisationId, m.joinedOn, m.applicationId],
  );
  return row.id;
}

/** A withdrawn member admitted again: same row, new dates, the new application. */
export async function reactivateMembership(db: Db, m: { id: string; joinedOn: string; applicationId: string }): Promise<void> {
  await db.query(
    `UPDATE membership SET status = 'active', role = 'member', joined_on = $2, left_on = NULL, application_id = $3, updated_at = now()
      WHERE id = $1`,
    [m.id, m.joinedOn, m.applicationId],
  );
}

export async function updateMembershipStatus(db: Db, m: { id: string; status: string; leftOn: string | null }): Promise<void> {
  await db.query('UPDATE membership SET status = $2, left_on = $3, updated_at = now() WHERE id = $1', [m.id, m.status, m.leftOn]);
}

export async function updateMembershipFields(
  db: Db,
  m: { id: string; isLeaderCompany: boolean; leaderReason: string | null; role: string },
): Promise<void> {
  await db.query(
    'UPDATE membership SET is_leader_company = $2, leader_reason = $3, role = $4, updated_at = now() WHERE id = $1',
    [m.id, m.isLeaderCompany, m.leaderReason, m.role],
  );
}

export async function insertMembershipEvent(
  db: Db,
  e: { membershipId: string; kind: string; reason: string | null; decidedOn: string | null; actorUserId: string | null },
): Promise<void> {
  await db.query(
    `INSERT INTO membership_event (membership_id, kind, reason, decided_on, actor_user_id) VALUES ($1, $2, $3, $4, $5)`,
    [e.membershipId, e.kind, e.reason, e.decidedOn, e.actorUserId],
  );
}

export type MembershipEventRow = { kind: string; reason: string | null; decided_on: string | null; at: string | Date };

export async function listMembershipEvents(db: Db, membershipId: string): Promise<MembershipEventRow[]> {
  return db.query<MembershipEventRow>(
    'SELECT kind, reason, decided_on, at FROM membership_event WHERE membership_id = $1 ORDER BY at, id',
    [membershipId],
  );
}

export type MembershipHistoryRow = MembershipEventRow & {
  membership_id: string;
  cluster_id: string;
  cluster_slug: string;
  cluster_name_it: string;
  cluster_name_en: string;
};

export async function listMembershipHistoryOf(db: Db, organisationId: string): Promise<MembershipHistoryRow[]> {
  return db.query<MembershipHistoryRow>(
    `SELECT e.membership_id, ms.cluster_id, c.slug AS cluster_slug, c.name_it AS cluster_name_it, c.name_en AS cluster_name_en,
            e.kind, e.reason, e.decided_on, e.at
       FROM membership_event e JOIN membership ms ON ms.id = e.membership_id JOIN cluster c ON c.id = ms.cluster_id
      WHERE ms.organisation_id = $1
      ORDER BY e.at, e.id`,
    [organisationId],
  );
}


export async function listClusters(db: Db, ids: string[] | null): Promise<ClusterRef[]> {
  return db.query<ClusterRef>(
    'SELECT id, slug, name_it, name_en FROM cluster WHERE ($1::uuid[] IS NULL OR id = ANY($1::uuid[])) ORDER BY name_it',
    [ids],
  );
}
