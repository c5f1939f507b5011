import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../db/db.ts';
import { createTestDb } from '../../testing/db.ts';
import { buildCluster, buildMembership, buildOrganisation } from '../../testing/factories.ts';
import { type RequirementResult, evaluateRequirements, overallStatus, requirementsAffectedBy } from './requirements.ts';

const byId = (results: RequirementResult[]) => Object.fromEntries(results.map((r) => [r.id, r]));

/** A cluster that meets every requirement: 9 members, a university, a leader company, seats in Lombardy, a capofila. */
async function compliantCluster(db: Db) {
  const cluster = await buildCluster(db, {
    legal_personality: true,
    association_name: 'Associazione di prova',
    partnership_agreement_signed_on: '2025-12-15',
  });
  const members: string[] = [];
  const capofila = await buildOrganisation(db, { category: 'company', legal_name: 'Capofila Srl' });
  await buildMembership(db, cluster.id, capofila.id, { role: 'capofila' });
  members.push(capofila.id);
  const uni = await buildOrganisation(db, { category: 'university', legal_name: 'Università di prova', seatMunicipality: '019036' });
  await buildMembership(db, cluster.id, uni.id);
  members.push(uni.id);
  const leader = await buildOrganisation(db, { category: 'company', legal_name: 'Leader Spa' });
  await buildMembership(db, cluster.id, leader.id, { leader: true });
  members.push(leader.id);
  for (let i = 0; i < 6; i++) {
    const o = await buildOrganisation(db, { category: 'company', legal_name: `Impresa ${i}` });
    await buildMembership(db, cluster.id, o.id);
    members.push(o.id);
  }
  return { cluster, members, uni, leader, capofila };
}

describe('recognition requirements', () => {
  let db: Db;
  before(async () => {
    db = await createTestDb();
  });
  after(() => db.close());

  test('a compliant cluster meets all seven requirements, with evidence', async () => {
    const { cluster, uni, leader, capofila } = await compliantCluster(db);
    const results = await evaluateRequirements(db, cluster.id);
    assert.equal(results.length, 7);
    for (const r of results) assert.equal(r.status, 'met', `${r.id} should be met`);
    const r = byId(results);
    assert.equal(r.min_members.value, 9);
    assert.deepEqual(r.research_organisation.satisfiedBy.organisations, [{ id: uni.id, name: uni.legal_name }]);
    assert.deepEqual(r.leader_company.satisfiedBy.organisations, [{ id: leader.id, name: leader.legal_name }]);
    assert.equal(r.capofila.satisfiedBy.organisations[0].id, capofila.id);
    assert.equal(r.lombardy_seats.value, 9);
    assert.equal(r.partnership_agreement.facts.signedOn, '2025-12-15');
    assert.equal(overallStatus(results), 'met');
  });

  test('eight members is not enough; suspended and withdrawn members do not count', async () => {
    const { cluster, members } = await compliantCluster(db);
    await db.query(`UPDATE membership SET status = 'suspended' WHERE organisation_id = $1`, [members[8]]);
    const r = byId(await evaluateRequirements(db, cluster.id));
    assert.equal(r.min_members.status, 'not_met');
    assert.equal(r.min_members.value, 8);
  });

  test('members without a stated category or seat make evidence missing, a seat outside Lombardy fails', async () => {
    const { cluster } = await compliantCluster(db);
    const unknown = await buildOrganisation(db, { category: undefined, seatMunicipality: null });
    await db.query('UPDATE organisation SET category = NULL WHERE id = $1', [unknown.id]);
    await buildMembership(db, cluster.id, unknown.id);
    let r = byId(await evaluateRequirements(db, cluster.id));
    assert.equal(r.lombardy_seats.status, 'evidence_missing');
    assert.deepEqual(r.lombardy_seats.issues.map((i) => i.reason), ['no_operational_seat']);
    assert.equal(r.lombardy_seats.issues[0].organisations[0].id, unknown.id);
    assert.equal(r.min_members.status, 'met', 'nine members with a stated category are still there');

    const turin = await buildOrganisation(db, { category: 'company', seatMunicipality: '001272' });
    await buildMembership(db, cluster.id, turin.id);
    r = byId(await evaluateRequirements(db, cluster.id));
    assert.equal(r.lombardy_seats.status, 'not_met');
    assert.equal(r.lombardy_seats.issues.find((i) => i.reason === 'seat_outside_lombardy')?.organisations[0].id, turin.id);
  });

  test('without data the cluster page says what is missing instead of pretending', async () => {
    const cluster = await buildCluster(db);
    const results = await evaluateRequirements(db, cluster.id);
    const r = byId(results);
    assert.equal(r.min_members.status, 'not_met');
    assert.equal(r.research_organisation.status, 'not_met');
    assert.equal(r.capofila.status, 'not_met');
    assert.equal(r.partnership_agreement.status, 'evidence_missing');
    assert.equal(r.legal_personality.status, 'evidence_missing');
    for (let i = 0; i < 9; i++) {
      const o = await buildOrganisation(db, { seatMunicipality: null });
      await db.query('UPDATE organisation SET category = NULL WHERE id = $1', [o.id]);
      await buildMembership(db, cluster.id, o.id);
    }
    const after = byId(await evaluateRequirements(db, cluster.id));
    assert.equal(after.min_members.status, 'evidence_missing');
    assert.equal(after.research_organisation.status, 'evidence_missing');
    assert.equal(after.leader_company.status, 'evidence_missing');
    assert.equal(after.min_members.issues[0].count, 9);
  });

  test('a company not flagged as leader leaves the leader requirement with evidence missing', async () => {
    const { cluster, leader } = await compliantCluster(db);
    await db.query('UPDATE membership SET is_leader_company = false, leader_reason = NULL WHERE organisation_id = $1', [leader.id]);
    const r = byId(await evaluateRequirements(db, cluster.id));
    assert.equal(r.leader_company.status, 'evidence_missing');
    assert.equal(r.leader_company.issues[0].reason, 'leader_not_recorded');
  });

  test('says which requirements a departure would break', async () => {
    const { cluster, uni, capofila, members } = await compliantCluster(db);
    assert.deepEqual(await requirementsAffectedBy(db, cluster.id, [uni.id]), ['min_members', 'research_organisation']);
    assert.deepEqual(await requirementsAffectedBy(db, cluster.id, [capofila.id]), ['min_members', 'capofila']);
    const extra = await buildOrganisation(db, { category: 'company' });
    await buildMembership(db, cluster.id, extra.id);
    assert.deepEqual(await requirementsAffectedBy(db, cluster.id, [members[5]]), []);
  });
});

describe('requirements read only trustworthy facts', () => {
  let db: Db;
  before(async () => {
    db = await createTestDb();
  });
  after(() => db.close());

  test('a leader flag on an organisation that is no longer a company does not count', async () => {
    const { cluster, leader } = await compliantCluster(db);
    await db.query(`UPDATE organisation SET category = 'university' WHERE id = $1`, [leader.id]);
    const r = byId(await evaluateRequirements(db, cluster.id));
    assert.equal(r.leader_company.status, 'evidence_missing');
    assert.equal(r.leader_company.value, 0);
  });

  test('the capofila is the membership with that role; a withdrawn one leaves the requirement unmet', async () => {
    const { cluster, capofila } = await compliantCluster(db);
    await db.query(`UPDATE membership SET status = 'withdrawn' WHERE organisation_id = $1`, [capofila.id]);
    const r = byId(await evaluateRequirements(db, cluster.id));
    assert.equal(r.capofila.status, 'not_met');
    assert.equal(r.capofila.issues[0].reason, 'capofila_not_designated');
  });
});
