import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../db/db.ts';
import { type Role, actorFromSession, createSession } from '../../lib/auth.ts';
import { createTestDb } from '../../testing/db.ts';
import { buildCluster, buildMembership, buildOrganisation, buildUser } from '../../testing/factories.ts';
import { addCompetence } from './coverage.fixtures.ts';
import { getCoverage } from './coverage.ts';

describe('value-chain coverage (domain)', () => {
  let db: Db;
  let slug: string;
  let clusterId: string;
  before(async () => {
    db = await createTestDb();
    const cluster = await buildCluster(db);
    slug = cluster.slug;
    clusterId = cluster.id;
    // testing: a company in Milano on two sub-stages (counts once), a university in Bergamo on a sub-sub-stage.
    const company = await buildOrganisation(db, { category: 'company' });
    await buildMembership(db, cluster.id, company.id);
    await addCompetence(db, company.id, 'stage.testing.in-vitro');
    await addCompetence(db, company.id, 'stage.testing.stability', { kind: 'research' });
    const uni = await buildOrganisation(db, { category: 'university', seatMunicipality: '016024' });
    await buildMembership(db, cluster.id, uni.id);
    await addCompetence(db, uni.id, 'stage.testing.clinical.patch-test');
    // formulation: one company only, plus a submitted declaration that must not count.
    await addCompetence(db, company.id, 'stage.formulation.development');
    const pending = await buildOrganisation(db, { category: 'university' });
    await buildMembership(db, cluster.id, pending.id);
    await addCompetence(db, pending.id, 'stage.formulation.colour', { status: 'submitted' });
    // regulatory: a members-only validated competence of a consortium.
    const hidden = await buildOrganisation(db, { category: 'consortium' });
    await buildMembership(db, cluster.id, hidden.id);
    await addCompetence(db, hidden.id, 'stage.regulatory.pif', { visibility: 'members' });
    // a withdrawn member does not count.
    const former = await buildOrganisation(db, { category: 'irccs' });
    await buildMembership(db, cluster.id, former.id, { status: 'withdrawn' });
    await addCompetence(db, former.id, 'stage.formulation.development');
  });
  after(() => db.close());

  const actor = async (roles: { role: Role; clusterId?: string; organisationId?: string }[]) =>
    actorFromSession(db, await createSession(db, (await buildUser(db, { roles })).id));
  const stage = (c: Awaited<ReturnType<typeof getCoverage>>, id: string) => {
    const s = c.stages.find((x) => x.id === id);
    assert.ok(s, id);
    return s;
  };

  test('sub-stages roll up to the top-level stage, each member once, by province', async () => {
    const c = await getCoverage(db, null, { cluster: slug, by: 'province', locale: 'it' });
    assert.equal(c.scope, 'public');
    const testing = stage(c, 'stage.testing');
    assert.equal(testing.total, 2);
    assert.equal(testing.researchOrganisations, 1);
    assert.equal(testing.cells.MI, 1);
    assert.equal(testing.cells.BG, 1);
    assert.equal(testing.cells.BS, 0);
    assert.deepEqual(testing.flags, []);
    assert.ok(c.columns.some((col) => col.key === 'MI' && col.label.includes('Milano')));
    assert.ok(c.stages.every((s) => !s.id.slice('stage.'.length).includes('.')), 'only top-level stages');
  });

  test('a submitted competence does not count; flags: one member, no research, no member', async () => {
    const c = await getCoverage(db, null, { cluster: slug, by: 'province', locale: 'en' });
    const formulation = stage(c, 'stage.formulation');
    assert.equal(formulation.total, 1);
    assert.deepEqual(formulation.flags, ['single_member', 'no_research']);
    const biotech = stage(c, 'stage.biotech');
    assert.equal(biotech.total, 0);
    assert.deepEqual(biotech.flags, ['no_member', 'no_research']);
  });

  test('by category; members-only competences count for the staff of the cluster and region officers, not the public', async () => {
    const pub = await getCoverage(db, null, { cluster: slug, by: 'category', locale: 'it' });
    assert.equal(stage(pub, 'stage.regulatory').total, 0);
    assert.equal(stage(pub, 'stage.testing').cells.university, 1);
    assert.equal(stage(pub, 'stage.testing').cells.company, 1);
    assert.ok(pub.columns.some((col) => col.key === 'not_stated'));
    const staff = await actor([{ role: 'staff', clusterId }]);
    const s = await getCoverage(db, staff, { cluster: slug, by: 'category', locale: 'it' });
    assert.equal(s.scope, 'members');
    assert.equal(stage(s, 'stage.regulatory').total, 1);
    assert.equal(stage(s, 'stage.regulatory').cells.consortium, 1);
    const otherStaff = await actor([{ role: 'staff', clusterId: (await buildCluster(db)).id }]);
    assert.equal(stage(await getCoverage(db, otherStaff, { cluster: slug, by: 'category', locale: 'it' }), 'stage.regulatory').total, 0);
    const member = await actor([{ role: 'member', organisationId: (await buildOrganisation(db)).id }]);
    assert.equal((await getCoverage(db, member, { cluster: slug, by: 'category', locale: 'it' })).scope, 'public');
  });

  test('across clusters only for region officers and platform admins', async () => {
    await assert.rejects(getCoverage(db, null, { by: 'province', locale: 'it' }), (e: { status: number }) => e.status === 400);
    const staff = await actor([{ role: 'staff', clusterId }]);
    await assert.rejects(getCoverage(db, staff, { by: 'province', locale: 'it' }), (e: { status: number }) => e.status === 400);
    const other = await buildCluster(db);
    const org = await buildOrganisation(db, { category: 'research_institute' });
    await buildMembership(db, other.id, org.id);
    await addCompetence(db, org.id, 'stage.biotech.fermentation');
    const region = await actor([{ role: 'region' }]);
    const all = await getCoverage(db, region, { by: 'province', locale: 'it' });
    assert.equal(all.cluster, null);
    assert.ok(stage(all, 'stage.biotech').total >= 1);
    assert.ok(stage(all, 'stage.testing').total >= 2);
    assert.equal(stage(await getCoverage(db, null, { cluster: slug, by: 'province', locale: 'it' }), 'stage.biotech').total, 0);
  });
});
