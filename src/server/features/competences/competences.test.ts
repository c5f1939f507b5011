import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../db/db.ts';
import { type Role, actorFromSession, createSession } from '../../lib/auth.ts';
import { createTestDb } from '../../testing/db.ts';
import { buildCluster, buildMembership, buildOrganisation, buildUser } from '../../testing/factories.ts';
import { declareCompetence, listCompetences, reviewCompetence } from './competences.ts';

describe('competence visibility (domain)', () => {
  let db: Db;
  before(async () => {
    db = await createTestDb();
  });
  after(() => db.close());

  const actor = async (roles: { role: Role; clusterId?: string; organisationId?: string }[]) => {
    const u = await buildUser(db, { roles });
    return actorFromSession(db, await createSession(db, u.id));
  };

  test('a withdrawn membership no longer opens members-only declarations; unvalidated stay hidden from peers', async () => {
    const cluster = await buildCluster(db);
    const org = await buildOrganisation(db);
    await buildMembership(db, cluster.id, org.id);
    const former = await buildOrganisation(db);
    await buildMembership(db, cluster.id, former.id, { status: 'withdrawn' });
    const peer = await buildOrganisation(db);
    await buildMembership(db, cluster.id, peer.id);
    const owner = await actor([{ role: 'org_admin', organisationId: org.id }]);
    const staff = await actor([{ role: 'staff', clusterId: cluster.id }]);
    const formerMember = await actor([{ role: 'member', organisationId: former.id }]);
    const peerMember = await actor([{ role: 'member', organisationId: peer.id }]);
    const c = await declareCompetence(db, owner, {
      organisationId: org.id,
      data: { conceptId: 'tech.encapsulation', kind: 'service', description: null, evidence: null, visibility: 'members' },
    });
    const q = { organisationId: org.id, page: 1, pageSize: 50 };
    assert.equal((await listCompetences(db, peerMember, q)).total, 0);
    await reviewCompetence(db, staff, { id: c.id, review: { decision: 'validated', note: null } });
    assert.equal((await listCompetences(db, peerMember, q)).total, 1);
    assert.equal((await listCompetences(db, formerMember, q)).total, 0);
    assert.equal((await listCompetences(db, null, q)).total, 0);
    const region = await actor([{ role: 'region' }]);
    assert.equal((await listCompetences(db, region, q)).total, 1);
  });
});
