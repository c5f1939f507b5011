import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Db, pgErrorCode } from '../../db/db.ts';
import { createTestDb } from '../../testing/db.ts';
import { buildCluster, buildMembership, buildOrganisation } from '../../testing/factories.ts';
import { seedDemo } from './clusters.demo.ts';
import { getCluster } from './clusters.ts';

describe('demo data', () => {
  let db: Db;
  before(async () => {
    db = await createTestDb();
  });
  after(() => db.close());

  test('seeds the cosmetics cluster with its 13 founding members (12 promoters and the capofila), public facts only, once', async () => {
    const logins = await seedDemo(db);
    assert.ok(logins);
    assert.deepEqual(logins.map((l) => l.role).sort(), ['platform_admin', 'region', 'staff']);
    assert.ok(logins.every((l) => l.email.endsWith('@demo.filiera.invalid') && l.password.length >= 8));

    const c = await getCluster(db, 'cosmetica');
    assert.equal(c.memberCount, 13);
    assert.equal(c.capofila?.legalName, 'REI – Reindustria Innovazione');
    const [rei] = await db.query<{ role: string; capofila_organisation_id: string | null }>(
      `SELECT m.role, c.capofila_organisation_id FROM membership m JOIN organisation o ON o.id = m.organisation_id JOIN cluster c ON c.id = m.cluster_id
        WHERE o.legal_name = 'REI – Reindustria Innovazione'`,
    );
    assert.deepEqual(rei, { role: 'capofila', capofila_organisation_id: null }, 'the capofila is the role of its membership');
    assert.equal(c.recognitionDecreeNumber, '2002');
    assert.equal(c.recognitionDecreeOn, '2026-02-17');
    assert.equal(c.recognitionApplicationProtocol, 'R1.2025.0006958');
    assert.equal(c.partnershipAgreementSignedOn, null);
    assert.equal(c.legalPersonality, true);

    const roles = await db.query<{ role: string; n: number }>(
      `SELECT role, count(*) AS n FROM membership WHERE status = 'active' AND joined_on = '2025-12-15' GROUP BY role ORDER BY role`,
    );
    assert.deepEqual(roles, [
      { role: 'capofila', n: 1 },
      { role: 'promoter', n: 12 },
    ]);
    const [stored] = await db.query<{ vat: number; seats: number; sized: number; leaders: number }>(
      `SELECT (SELECT count(*) FROM organisation WHERE vat_number IS NOT NULL OR tax_code IS NOT NULL) AS vat,
              (SELECT count(*) FROM seat) AS seats,
              (SELECT count(*) FROM organisation WHERE staff_headcount IS NOT NULL) AS sized,
              (SELECT count(*) FROM membership WHERE is_leader_company) AS leaders`,
    );
    assert.deepEqual(stored, { vat: 0, seats: 0, sized: 0, leaders: 0 });
    const [users] = await db.query<{ n: number }>('SELECT count(*) AS n FROM app_user WHERE is_demo');
    assert.equal(users.n, 3);

    assert.equal(await seedDemo(db), null);
    const [again] = await db.query<{ n: number }>('SELECT count(*) AS n FROM organisation');
    assert.equal(again.n, 13);
  });
});

describe('one capofila per cluster', () => {
  let db: Db;
  before(async () => {
    db = await createTestDb();
  });
  after(() => db.close());

  test('a second capofila membership in a cluster is refused by the database; a withdrawn one does not count', async () => {
    const cluster = await buildCluster(db);
    const [a, b, c] = [await buildOrganisation(db), await buildOrganisation(db), await buildOrganisation(db)];
    await buildMembership(db, cluster.id, a.id, { role: 'capofila', status: 'withdrawn' });
    await buildMembership(db, cluster.id, b.id, { role: 'capofila' });
    await assert.rejects(buildMembership(db, cluster.id, c.id, { role: 'capofila', status: 'suspended' }), (err) => pgErrorCode(err) === '23505');
    await buildMembership(db, (await buildCluster(db)).id, c.id, { role: 'capofila' });
  });
});
