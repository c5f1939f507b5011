import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../db/db.ts';
import { recordAudit } from '../../lib/audit.ts';
import type { Actor, RoleGrant } from '../../lib/auth.ts';
import { ForbiddenError } from '../../lib/errors.ts';
import { createTestDb } from '../../testing/db.ts';
import { buildCluster, buildUser } from '../../testing/factories.ts';
import { AUDIT_PAGE_SIZE, listAuditEvents, summarise } from './audit.ts';

let db: Db;
let a: { id: string };
let b: { id: string };
let writer: Actor;
before(async () => {
  db = await createTestDb();
  a = await buildCluster(db);
  b = await buildCluster(db);
  const u = await buildUser(db, { name: 'Writer Person' });
  writer = { userId: u.id, email: u.email, name: u.name, locale: 'it', isDemo: false, roles: [] };
  await recordAudit(db, writer, { action: 'membership.admitted', subjectType: 'membership', subjectId: 'm-a', clusterId: a.id, after: { status: 'active' } });
  await recordAudit(db, writer, { action: 'membership.admitted', subjectType: 'membership', subjectId: 'm-b', clusterId: b.id });
  await recordAudit(db, writer, { action: 'role.granted', subjectType: 'user', subjectId: u.id, after: { role: 'region' } });
});
after(() => db.close());

const actor = (roles: RoleGrant[]): Actor => ({ userId: writer.userId, email: 'x@example.org', name: 'X', locale: 'it', isDemo: false, roles });

describe('audit visibility', () => {
  test('staff see only their clusters; region and platform admins see all', async () => {
    const staff = actor([{ role: 'staff', clusterId: a.id, organisationId: null }]);
    const mine = await listAuditEvents(db, staff, { page: 1 });
    assert.deepEqual(mine.items.map((i) => i.subjectId), ['m-a']);
    assert.equal(mine.total, 1);
    assert.equal(mine.items[0].actor?.name, 'Writer Person');
    assert.deepEqual(mine.items[0].after, { status: 'active' });
    for (const role of ['region', 'platform_admin'] as const) {
      const all = await listAuditEvents(db, actor([{ role, clusterId: null, organisationId: null }]), { page: 1 });
      assert.equal(all.total, 3, role);
      assert.deepEqual(all.items.map((i) => i.action), ['role.granted', 'membership.admitted', 'membership.admitted'], 'newest first');
      assert.deepEqual(all.items.slice(1).map((i) => i.subjectId), ['m-b', 'm-a']);
    }
  });

  test('staff asking for another cluster, or a member, is refused', async () => {
    const staff = actor([{ role: 'staff', clusterId: a.id, organisationId: null }]);
    await assert.rejects(listAuditEvents(db, staff, { page: 1, clusterId: b.id }), ForbiddenError);
    await assert.rejects(listAuditEvents(db, actor([{ role: 'member', clusterId: null, organisationId: a.id }]), { page: 1 }), ForbiddenError);
  });

  test('filters by cluster, action, subject type and Italian days; newest first; 50 a page', async () => {
    const region = actor([{ role: 'region', clusterId: null, organisationId: null }]);
    assert.deepEqual((await listAuditEvents(db, region, { page: 1, clusterId: b.id })).items.map((i) => i.subjectId), ['m-b']);
    assert.equal((await listAuditEvents(db, region, { page: 1, action: 'role.granted' })).total, 1);
    assert.equal((await listAuditEvents(db, region, { page: 1, subjectType: 'membership' })).total, 2);
    // 23:30 UTC on 1 March is 00:30 on 2 March in Italy.
    await db.query(
      `INSERT INTO audit_event (at, action, subject_type, subject_id) VALUES ('2025-03-01T23:30:00Z', 'x.late', 'thing', 't1'), ('2025-03-01T22:30:00Z', 'x.early', 'thing', 't2')`,
    );
    const day = await listAuditEvents(db, region, { page: 1, from: '2025-03-02', to: '2025-03-02' });
    assert.deepEqual(day.items.map((i) => i.subjectId), ['t1']);
    const range = await listAuditEvents(db, region, { page: 1, from: '2025-03-01', to: '2025-03-02', subjectType: 'thing' });
    assert.deepEqual(range.items.map((i) => i.subjectId), ['t1', 't2']);

    for (let i = 0; i < AUDIT_PAGE_SIZE + 5; i++) {
      await db.query(`INSERT INTO audit_event (at, action, subject_type, subject_id, cluster_id) VALUES (now() - make_interval(secs => $1), 'bulk', 'thing', $2, $3)`, [i, `bulk-${i}`, a.id]);
    }
    const first = await listAuditEvents(db, region, { page: 1, action: 'bulk' });
    assert.equal(first.items.length, AUDIT_PAGE_SIZE);
    assert.equal(first.total, AUDIT_PAGE_SIZE + 5);
    assert.equal(first.items[0].subjectId, 'bulk-0');
    const second = await listAuditEvents(db, region, { page: 2, action: 'bulk' });
    assert.deepEqual(second.items.map((i) => i.subjectId), ['bulk-50', 'bulk-51', 'bulk-52', 'bulk-53', 'bulk-54']);
  });
});

test('summarise: the reader’s words where known, a dash for nothing, raw codes otherwise; long text cut', () => {
  const words: Record<string, string> = { 'field.status': 'stato', 'value.published': 'pubblicato', 'value.true': 'sì' };
  const word = (kind: 'field' | 'value', code: string) => words[`${kind}.${code}`] ?? null;
  assert.equal(summarise({ status: 'published', anonymous: true, reason: null, mystery: 'x' }, word), 'stato: pubblicato, anonymous: sì, reason: —, mystery: x');
  assert.equal(summarise(null), '');
  assert.ok(summarise({ note: 'n'.repeat(500) }).endsWith('…'));
});
