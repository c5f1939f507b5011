import type { Db } from '../../db/db.ts';
import { type Actor, managedClusterIds } from '../../lib/auth.ts';
import { ForbiddenError } from '../../lib/errors.ts';
import * as q from './audit.queries.ts';
import type { AuditEventOut, AuditQuery } from './audit.schemas.ts';

export const AUDIT_PAGE_SIZE = 50;

const asObject = (v: unknown): Record<string, unknown> | null =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : v === null || v === undefined ? null : { value: v };

/**
 * Staff read the events of their clusters, region officers and platform admins read all.
 * Asking for a cluster one does not manage is a 403, not an empty list.
 */
export async function listAuditEvents(
  db: Db,
  actor: Actor,
  filter: AuditQuery,
): Promise<{ items: (AuditEventOut & { clusterName: { it: string; en: string } | null })[]; page: number; pageSize: number; total: number }> {
  const scope = managedClusterIds(actor);
  if (scope !== null && scope.length === 0) throw new ForbiddenError();
  if (filter.clusterId && scope !== null && !scope.includes(filter.clusterId)) throw new ForbiddenError();
  const f: q.AuditFilter = { clusterIds: scope, ...filter };
  const rows = await q.listAuditEvents(db, f, AUDIT_PAGE_SIZE, (filter.page - 1) * AUDIT_PAGE_SIZE);
  return {
    items: rows.map((r) => ({
      id: Number(r.id),
      at: new Date(r.at).toISOString(),
      action: r.action,
      subjectType: r.subject_type,
      subjectId: r.subject_id,
      clusterId: r.cluster_id,
      clusterName: r.cluster_name_it ? { it: r.cluster_name_it, en: r.cluster_name_en as string } : null,
      actor: r.actor_user_id ? { id: r.actor_user_id, name: r.actor_name ?? '' } : null,
      before: asObject(r.before),
      after: asObject(r.after),
    })),
    page: filter.page,
    pageSize: AUDIT_PAGE_SIZE,
    total: await q.countAuditEvents(db, f),
  };
}

/** What the filter form offers: only values and clusters the reader may see. */
export async function auditFilterOptions(db: Db, actor: Actor) {
  const scope = managedClusterIds(actor);
  return { ...(await q.distinctValues(db, scope)), clusters: await q.clustersByIds(db, scope) };
}

/**
 * "field: value, …" for the table, in the reader's words where the catalog has them (field names, statuses,
 * yes/no; an empty value is a dash); long values are cut. `word` returns null for what it does not know.
 */
export function summarise(
  v: Record<string, unknown> | null,
  word: (kind: 'field' | 'value', code: string, field?: string) => string | null = () => null,
): string {
  if (!v) return '';
  const value = (x: unknown, field: string) =>
    x === null || x === undefined || x === '' ? '—' : typeof x === 'object' ? JSON.stringify(x) : (word('value', String(x), field) ?? String(x));
  const text = Object.entries(v)
    .map(([k, x]) => `${word('field', k) ?? k}: ${value(x, k)}`)
    .join(', ');
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
