import type { Db } from '../db/db.ts';
import type { Actor } from './auth.ts';

export type AuditEntry = {
  action: string;
  subjectType: string;
  subjectId: string;
  clusterId?: string | null;
  before?: unknown;
  after?: unknown;
};

/** Written by the domain function inside the decision's own transaction, never by the route afterwards. */
export async function recordAudit(tx: Db, actor: Actor | null, entry: AuditEntry): Promise<void> {
  await tx.query(
    `INSERT INTO audit_event (actor_user_id, action, subject_type, subject_id, cluster_id, before, after)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      actor?.userId ?? null,
      entry.action,
      entry.subjectType,
      entry.subjectId,
      entry.clusterId ?? null,
      entry.before === undefined ? null : JSON.stringify(entry.before),
      entry.after === undefined ? null : JSON.stringify(entry.after),
    ],
  );
}
