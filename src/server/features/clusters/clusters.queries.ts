import type { Db } from '../../db/db.ts';

export type ClusterRecord = {
  id: string;
  slug: string;
  name_it: string;
  name_en: string;
  short_name: string | null;
  description_it: string | null;
  description_en: string | null;
  association_name: string | null;
  legal_form: string | null;
  legal_personality: boolean | null;
  legal_personality_evidence: string | null;
  constituted_on: string | null;
  statute_registered_on: string | null;
  statute_registration_office: string | null;
  partnership_agreement_signed_on: string | null;
  partnership_agreement_reference: string | null;
  capofila_id: string | null;
  capofila_name: string | null;
  recognition_application_on: string | null;
  recognition_application_protocol: string | null;
  recognition_assessment: string | null;
  recognition_decree_number: string | null;
  recognition_decree_on: string | null;
  member_count: number;
};

// The capofila is the member whose membership has the role 'capofila' (one per cluster, migration 0007); the
// cluster's old capofila_organisation_id column is no longer read or written.
const clusterSelect = `SELECT c.id, c.slug, c.name_it, c.name_en, c.short_name, c.description_it, c.description_en,
    c.association_name, c.legal_form, c.legal_personality, c.legal_personality_evidence, c.constituted_on,
    c.statute_registered_on, c.statute_registration_office, c.partnership_agreement_signed_on,
    c.partnership_agreement_reference, cap.organisation_id AS capofila_id, cap.legal_name AS capofila_name,
    c.recognition_application_on, c.recognition_application_protocol, c.recognition_assessment,
    c.recognition_decree_number, c.recognition_decree_on,
    (SELECT count(*) FROM membership m WHERE m.cluster_id = c.id AND m.status = 'active') AS member_count
  FROM cluster c
  LEFT JOIN LATERAL (
    SELECT m.organisation_id, o.legal_name FROM membership m JOIN organisation o ON o.id = m.organisation_id
     WHERE m.cluster_id = c.id AND m.role = 'capofila' AND m.status <> 'withdrawn'
     ORDER BY (m.status = 'active') DESC LIMIT 1) cap ON true`;

export async function selectClusters(db: Db): Promise<ClusterRecord[]> {
  return db.query<ClusterRecord>(`${clusterSelect} ORDER BY c.name_it`);
}

export async function selectClusterBySlug(db: Db, slug: string, opts: { forUpdate?: boolean } = {}): Promise<ClusterRecord | null> {
  const [row] = await db.query<ClusterRecord>(`${clusterSelect} WHERE c.slug = $1${opts.forUpdate ? ' FOR UPDATE OF c' : ''}`, [slug]);
  return row ?? null;
}

export async function isActiveMember(db: Db, clusterId: string, organisationId: string): Promise<boolean> {
  const [row] = await db.query(`SELECT 1 FROM membership WHERE cluster_id = $1 AND organisation_id = $2 AND status = 'active'`, [
    clusterId,
    organisationId,
  ]);
  return !!row;
}

export async function updateClusterRow(
  tx: Db,
  id: string,
  v: {
    partnership_agreement_signed_on: string | null;
    partnership_agreement_reference: string | null;
    legal_personality: boolean | null;
    legal_personality_evidence: string | null;
    description_it: string | null;
    description_en: string | null;
  },
): Promise<void> {
  await tx.query(
    `UPDATE cluster SET partnership_agreement_signed_on = $2, partnership_agreement_reference = $3, legal_personality = $4,
       legal_personality_evidence = $5, description_it = $6, description_en = $7, updated_at = now()
     WHERE id = $1`,
    [
      id,
      v.partnership_agreement_signed_on,
      v.partnership_agreement_reference,
      v.legal_personality,
      v.legal_personality_evidence,
      v.description_it,
      v.description_en,
    ],
  );
}

/**
 * Moves the role 'capofila' to this organisation's membership (none when null): the previous capofila becomes a
 * promoter. Demoted first, so the one-capofila index holds at every statement. Returns the memberships changed.
 */
export async function moveCapofilaRole(
  tx: Db,
  clusterId: string,
  organisationId: string | null,
): Promise<{ id: string; from: string; to: string }[]> {
  const demoted = await tx.query<{ id: string }>(
    `UPDATE membership SET role = 'promoter', updated_at = now()
      WHERE cluster_id = $1 AND role = 'capofila' AND status <> 'withdrawn' AND organisation_id IS DISTINCT FROM $2::uuid
      RETURNING id`,
    [clusterId, organisationId],
  );
  const changed = demoted.map((r) => ({ id: r.id, from: 'capofila', to: 'promoter' }));
  if (organisationId) {
    const promoted = await tx.query<{ id: string; from_role: string }>(
      `UPDATE membership m SET role = 'capofila', updated_at = now()
         FROM membership old
        WHERE old.id = m.id AND m.cluster_id = $1 AND m.organisation_id = $2 AND m.status = 'active' AND m.role <> 'capofila'
        RETURNING m.id, old.role AS from_role`,
      [clusterId, organisationId],
    );
    changed.push(...promoted.map((r) => ({ id: r.id, from: r.from_role, to: 'capofila' })));
  }
  return changed;
}

export async function insertRoleChangedEvent(tx: Db, membershipId: string, reason: string, actorUserId: string): Promise<void> {
  await tx.query(
    `INSERT INTO membership_event (membership_id, kind, reason, decided_on, actor_user_id) VALUES ($1, 'role_changed', $2, CURRENT_DATE, $3)`,
    [membershipId, reason, actorUserId],
  );
}

export type NewestMember = { id: string; legal_name: string; category: string | null; role: string; joined_on: string };

export async function selectNewestMembers(db: Db, clusterId: string, limit: number): Promise<NewestMember[]> {
  return db.query<NewestMember>(
    `SELECT o.id, o.legal_name, o.category, m.role, m.joined_on
       FROM membership m JOIN organisation o ON o.id = m.organisation_id
      WHERE m.cluster_id = $1 AND m.status = 'active'
      ORDER BY m.joined_on DESC, m.created_at DESC, o.legal_name
      LIMIT $2`,
    [clusterId, limit],
  );
}

export async function selectActiveMemberOptions(db: Db, clusterId: string): Promise<{ id: string; legal_name: string }[]> {
  return db.query(
    `SELECT o.id, o.legal_name FROM membership m JOIN organisation o ON o.id = m.organisation_id
      WHERE m.cluster_id = $1 AND m.status = 'active' ORDER BY o.legal_name`,
    [clusterId],
  );
}
