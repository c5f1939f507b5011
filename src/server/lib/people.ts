import type { Db } from '../db/db.ts';
import type { Locale } from './i18n.ts';

// The people a decision is told to by e-mail: the users of an organisation, the staff of a cluster. Several features
// notify them (marketplace, collaborations, projects); one query each, so they all reach the same people.

/** organisation_id: the organisation the person was found for (null for cluster staff). */
export type Person = { user_id: string; organisation_id: string | null; name: string; email: string; locale: Locale };

/** Users with role org_admin or member of these organisations (enabled accounts), one row per user and organisation. */
export async function selectOrganisationPeople(db: Db, orgIds: string[]): Promise<Person[]> {
  return db.query<Person>(
    `SELECT DISTINCT u.id AS user_id, r.organisation_id, u.name, u.email, u.locale
       FROM user_role r JOIN app_user u ON u.id = r.user_id
      WHERE r.organisation_id = ANY($1::uuid[]) AND r.role IN ('member', 'org_admin') AND u.disabled_at IS NULL
      ORDER BY u.name, u.email`,
    [orgIds],
  );
}

export async function selectClusterStaff(db: Db, clusterId: string): Promise<Person[]> {
  return db.query<Person>(
    `SELECT DISTINCT u.id AS user_id, NULL::uuid AS organisation_id, u.name, u.email, u.locale
       FROM user_role r JOIN app_user u ON u.id = r.user_id
      WHERE r.cluster_id = $1 AND r.role = 'staff' AND u.disabled_at IS NULL
      ORDER BY u.name, u.email`,
    [clusterId],
  );
}
