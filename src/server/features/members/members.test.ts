import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { Db } from '../../db/db.ts';
import type { Actor, Role } from '../../lib/auth.ts';
import { AppError } from '../../lib/errors.ts';
import { emailHandlers, runDueJobs } from '../../lib/jobs.ts';
import { createMemoryMailer } from '../../lib/mail.ts';
import { createTestDb } from '../../testing/db.ts';
import { type ClusterRow, buildCluster, buildMembership, buildOrganisation, buildUser } from '../../testing/factories.ts';
import { evaluateRequirements } from '../requirements/requirements.ts';
import { todayInItaly } from '../../lib/i18n.ts';
import * as q from './members.queries.ts';
import { applicationBody, makeVat } from './members.testdata.ts';
import {
  changeMembershipStatus,
  decideApplication,
  getApplication,
  getMembership,
  listApplications,
  listMembershipHistory,
  submitApplication,
  updateMembership,
} from './members.ts';

let db: Db;
before(async () => {
  db = await createTestDb();
});
after(() => db.close());
beforeEach(async () => {
  await db.query('DELETE FROM rate_limit');
});

async function actorWith(roles: { role: Role; clusterId?: string; organisationId?: string }[]): Promise<Actor> {
  const u = await buildUser(db, { roles });
  return {
    userId: u.id,
    email: u.email,
    name: u.name,
    locale: 'it',
    isDemo: false,
    roles: roles.map((r) => ({ role: r.role, clusterId: r.clusterId ?? null, organisationId: r.organisationId ?? null })),
  };
}

const statusOf = (status: number, code?: string) => (err: unknown) => {
  assert.ok(err instanceof AppError, String(err));
  assert.equal(err.status, status, `${err.code} ${err.message} ${JSON.stringify(err.fields)}`);
  if (code) assert.equal(err.code, code);
  return true;
};

const submit = (cluster: ClusterRow, body: unknown, ip = '192.0.2.1') => submitApplication(db, { clusterSlug: cluster.slug, body, locale: 'it', ip });

/** The organisation role granted to (or offered by an invitation to) this address: invitations may grant it on acceptance. */
async function roleOffered(email: string, organisationId: string): Promise<string | undefined> {
  const [row] = await db.query<{ role: string }>(
    `SELECT r.role FROM user_role r JOIN app_user u ON u.id = r.user_id WHERE u.email = $1 AND r.organisation_id::text = $2
     UNION ALL
     SELECT to_jsonb(t) ->> 'role' FROM one_time_token t JOIN app_user u ON u.id = t.user_id
      WHERE u.email = $1 AND t.kind = 'invitation' AND to_jsonb(t) ->> 'organisation_id' = $2`,
    [email, organisationId],
  );
  return row?.role;
}

async function checksOf(id: string, actor: Actor) {
  const app = await getApplication(db, actor, id);
  return Object.fromEntries(app.checks.map((c) => [c.id, c]));
}

describe('submitting an application', () => {
  test('checks: a Milan seat is in Lombardy, a Turin seat (001272) is not; valid VAT; not a member; category stated', async () => {
    const cluster = await buildCluster(db);
    const staff = await actorWith([{ role: 'staff', clusterId: cluster.id }]);
    const milan = await submit(cluster, applicationBody({ municipality: 'milano' }));
    const turin = await submit(cluster, applicationBody({ municipality: '001272' }));
    const m = await checksOf(milan.id, staff);
    const t = await checksOf(turin.id, staff);
    assert.equal(m.seat_in_lombardy.ok, true);
    assert.match(m.seat_in_lombardy.detail, /Milano \(MI\) 015146/);
    assert.equal(t.seat_in_lombardy.ok, false);
    assert.match(t.seat_in_lombardy.detail, /Torino \(TO\) 001272/);
    for (const c of [m, t]) {
      assert.equal(c.tax_identity_valid.ok, true);
      assert.equal(c.not_already_member.ok, true);
      assert.equal(c.organisation_registered.ok, true);
      assert.equal(c.organisation_registered.detail, 'not_registered');
      assert.equal(c.category_allowed.ok, true);
    }
  });

  test('a wrong check digit (VAT or codice fiscale) or a figure the registry refuses is a 400 naming the field, nothing stored', async () => {
    const cluster = await buildCluster(db);
    const body = applicationBody();
    const cases: [Record<string, unknown>, Record<string, string>][] = [
      [{ vatNumber: makeVat(false) }, { 'organisation.vatNumber': 'invalid_vat' }],
      [{ vatNumber: undefined, taxCode: 'RSSMRA80A01F205Y' }, { 'organisation.taxCode': 'invalid_tax_code' }],
      [{ taxCode: '12345678901' }, { 'organisation.taxCode': 'invalid_tax_code' }],
      [{ staffHeadcount: 2e7 }, { 'organisation.staffHeadcount': 'too_big' }],
      [{ annualTurnoverEur: 5e13 }, { 'organisation.annualTurnoverEur': 'too_big' }],
    ];
    for (const [patch, fields] of cases) {
      await assert.rejects(submit(cluster, { ...body, organisation: { ...body.organisation, ...patch } }), (err: unknown) => {
        assert.ok(err instanceof AppError);
        assert.equal(err.status, 400);
        assert.deepEqual(err.fields, fields, JSON.stringify(patch));
        return true;
      });
    }
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM application WHERE cluster_id = $1', [cluster.id]);
    assert.equal(n, 0);
    // A valid personal codice fiscale (with its check letter) and a foreign VAT number pass; the latter is flagged for staff.
    const staff = await actorWith([{ role: 'staff', clusterId: cluster.id }]);
    const person = await submit(cluster, { ...body, organisation: { ...body.organisation, vatNumber: undefined, taxCode: 'RSSMRA80A01F205X' } });
    assert.equal((await checksOf(person.id, staff)).tax_identity_valid.ok, true);
    const foreign = await submit(cluster, { ...body, organisation: { ...body.organisation, vatCountry: 'DE', vatNumber: '123456789' } });
    assert.equal((await checksOf(foreign.id, staff)).tax_identity_valid.detail, 'foreign_vat_unverified');
  });

  test('checks: an organisation already active in this cluster (same VAT) is flagged, one of another cluster is not', async () => {
    const cluster = await buildCluster(db);
    const other = await buildCluster(db);
    const vat = makeVat();
    const org = await buildOrganisation(db, { vat_number: vat });
    await buildMembership(db, cluster.id, org.id);
    await buildMembership(db, other.id, (await buildOrganisation(db, { vat_number: makeVat() })).id);
    const region = await actorWith([{ role: 'region' }]);
    const here = await checksOf((await submit(cluster, applicationBody({ vat: ` IT ${vat}` }))).id, region);
    assert.equal(here.not_already_member.ok, false);
    assert.equal(here.not_already_member.detail, 'active_member');
    const elsewhere = await checksOf((await submit(other, applicationBody({ vat }))).id, region);
    assert.equal(elsewhere.not_already_member.ok, true);
  });

  test('seats are resolved by the registry: accents optional, "Name (XX)" for a name in two provinces', async () => {
    const cluster = await buildCluster(db);
    const staff = await actorWith([{ role: 'staff', clusterId: cluster.id }]);
    const [accented] = await db.query<{ istat_code: string; name: string; acronym: string }>(
      `SELECT m.istat_code, m.name, p.acronym FROM municipality m JOIN province p ON p.code = m.province_code
        WHERE m.name ~ '[àèéìòù]' AND fold_text(m.name) <> lower(m.name)
          AND (SELECT count(*) FROM municipality x WHERE fold_text(x.name) = fold_text(m.name)) = 1
        ORDER BY m.istat_code LIMIT 1`,
    );
    assert.ok(accented, 'an accented municipality name');
    const plain = accented.name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
    const { id } = await submit(cluster, applicationBody({ municipality: plain }));
    assert.equal((await checksOf(id, staff)).seat_in_lombardy.detail, `${accented.name} (${accented.acronym}) ${accented.istat_code}`);

    const [twin] = await db.query<{ name: string; acronym: string; istat_code: string }>(
      `SELECT m.name, p.acronym, m.istat_code FROM municipality m JOIN province p ON p.code = m.province_code
        WHERE (SELECT count(*) FROM municipality x WHERE fold_text(x.name) = fold_text(m.name)) > 1
        ORDER BY m.istat_code LIMIT 1`,
    );
    if (twin) {
      await assert.rejects(submit(cluster, applicationBody({ municipality: twin.name })), (err: unknown) => {
        assert.ok(err instanceof AppError);
        assert.equal(err.fields?.['operationalSeat.municipality'], 'ambiguous_municipality');
        return true;
      });
      const ok = await submit(cluster, applicationBody({ municipality: `${twin.name} (${twin.acronym.toLowerCase()})` }));
      assert.match((await checksOf(ok.id, staff)).seat_in_lombardy.detail, new RegExp(`${twin.istat_code}$`));
    }
  });

  test('every invalid field is named at once, including the ones needing the database', async () => {
    const cluster = await buildCluster(db);
    const body = applicationBody();
    const bad = {
      ...body,
      organisation: { ...body.organisation, legalName: '', category: 'pirate', vatNumber: '123', atecoCodes: ['99.99.99'] },
      operationalSeat: { municipality: 'Atlantide' },
      referent: { name: 'X', role: '', email: 'not-an-email' },
      declarations: { operationalSeatInLombardy: true, statute: false },
    };
    await assert.rejects(submit(cluster, bad), (err: unknown) => {
      assert.ok(err instanceof AppError);
      assert.equal(err.status, 400);
      assert.deepEqual(err.fields, {
        'organisation.legalName': 'required',
        'organisation.category': 'invalid_value',
        'organisation.vatNumber': 'invalid_vat',
        'organisation.atecoCodes': 'unknown_ateco',
        'operationalSeat.municipality': 'unknown_municipality',
        'referent.role': 'required',
        'referent.email': 'invalid_email',
        'declarations.statute': 'must_accept',
        'declarations.truthfulness': 'must_accept',
        'declarations.privacy': 'must_accept',
      });
      return true;
    });
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM application WHERE cluster_id = $1', [cluster.id]);
    assert.equal(n, 0);
  });

  test('a second pending application of the same organisation is refused; the rate limit counts submissions per address', async () => {
    const cluster = await buildCluster(db);
    const vat = makeVat();
    await submit(cluster, applicationBody({ vat }));
    await assert.rejects(submit(cluster, applicationBody({ vat })), statusOf(409, 'application_pending'));
    for (let i = 0; i < 8; i++) await submit(cluster, applicationBody(), '198.51.100.7');
    await submit(cluster, applicationBody(), '198.51.100.7');
    await submit(cluster, applicationBody(), '198.51.100.7');
    await assert.rejects(submit(cluster, applicationBody(), '198.51.100.7'), statusOf(429));
    await submit(cluster, applicationBody(), '198.51.100.8');
  });
});

describe('one pending application per tax identity', () => {
  test('two submissions at once of the same organisation: one is stored, the other is a 409 application_pending', async () => {
    const cluster = await buildCluster(db);
    const vat = makeVat();
    const results = await Promise.allSettled([submit(cluster, applicationBody({ vat }), '192.0.2.10'), submit(cluster, applicationBody({ vat: ` IT${vat}` }), '192.0.2.11')]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const failed = results.find((r) => r.status === 'rejected');
    assert.ok(failed && statusOf(409, 'application_pending')(failed.reason));
    const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM application WHERE cluster_id = $1`, [cluster.id]);
    assert.equal(n, 1);
  });

  test('the database refuses a second pending application of the same VAT number or codice fiscale, and accepts one after the decision', async () => {
    const cluster = await buildCluster(db);
    const staff = await actorWith([{ role: 'staff', clusterId: cluster.id }]);
    const vat = makeVat();
    const row = { clusterId: cluster.id, data: {}, checks: [], applicantEmail: 'a@example.org', locale: 'it' };
    const first = await q.insertApplication(db, { ...row, taxIdentity: { vatNumber: vat, taxCode: 'RSSMRA80A01F205X' } });
    await assert.rejects(q.insertApplication(db, { ...row, taxIdentity: { vatCountry: 'IT', vatNumber: vat } }), (err: unknown) => {
      statusOf(409, 'application_pending')(err);
      assert.deepEqual((err as AppError).fields, { 'organisation.vatNumber': 'application_pending' });
      return true;
    });
    await assert.rejects(q.insertApplication(db, { ...row, taxIdentity: { taxCode: 'rssmra80a01f205x' } }), (err: unknown) => {
      statusOf(409, 'application_pending')(err);
      assert.deepEqual((err as AppError).fields, { 'organisation.taxCode': 'application_pending' });
      return true;
    });
    // The same VAT number of another country is another organisation; another cluster is another queue.
    await q.insertApplication(db, { ...row, taxIdentity: { vatCountry: 'SM', vatNumber: vat } });
    await q.insertApplication(db, { ...row, clusterId: (await buildCluster(db)).id, taxIdentity: { vatNumber: vat } });
    await q.markApplicationDecided(db, { id: first.id, status: 'rejected', decidedBy: staff.userId, boardMeetingOn: '2026-03-01', reason: 'x' });
    await q.insertApplication(db, { ...row, taxIdentity: { vatNumber: vat } });
  });
});

describe('deciding an application', () => {
  test('approval creates organisation, seats, membership, event, invitation, e-mails and audit, in one transaction', async () => {
    const cluster = await buildCluster(db);
    const staff = await actorWith([{ role: 'staff', clusterId: cluster.id }]);
    const vat = makeVat();
    const email = `ref-${vat}@example.org`;
    const { id } = await submit(cluster, { ...applicationBody({ vat, email }), legalSeat: { country: 'CH', foreignCity: 'Lugano' } });
    const res = await decideApplication(db, staff, {
      applicationId: id,
      input: { decision: 'approve', reason: 'Requisiti verificati', boardMeetingOn: '2026-03-10' },
      publicUrl: 'https://filiera.test',
    });
    assert.equal(res.application.status, 'approved');
    assert.deepEqual(res.requirementsAffected, []);
    const [org] = await db.query<{ id: string; legal_name: string; vat_number: string; category: string; size_class: string }>(
      'SELECT id, legal_name, vat_number, category, size_class FROM organisation WHERE vat_number = $1',
      [vat],
    );
    assert.equal(org.legal_name, 'Cosmetica di Prova Srl');
    assert.equal(org.size_class, 'small');
    assert.equal(res.application.organisationId, org.id);
    const seats = await db.query<{ kind: string; municipality_code: string | null; foreign_city: string | null }>(
      'SELECT kind, municipality_code, foreign_city FROM seat WHERE organisation_id = $1 ORDER BY kind',
      [org.id],
    );
    assert.deepEqual(seats, [
      { kind: 'legal', municipality_code: null, foreign_city: 'Lugano' },
      { kind: 'operational', municipality_code: '015146', foreign_city: null },
    ]);
    const [ms] = await db.query<{ id: string; role: string; status: string; joined_on: string; application_id: string }>(
      'SELECT id, role, status, joined_on, application_id FROM membership WHERE cluster_id = $1 AND organisation_id = $2',
      [cluster.id, org.id],
    );
    assert.deepEqual({ ...ms, id: undefined }, { id: undefined, role: 'member', status: 'active', joined_on: '2026-03-10', application_id: id });
    assert.equal(res.application.membershipId, ms.id);
    const events = await db.query<{ kind: string; reason: string; decided_on: string }>(
      'SELECT kind, reason, decided_on FROM membership_event WHERE membership_id = $1',
      [ms.id],
    );
    assert.deepEqual(events, [{ kind: 'admitted', reason: 'Requisiti verificati', decided_on: '2026-03-10' }]);
    assert.equal(await roleOffered(email, org.id), 'org_admin');
    const audit = await db.query<{ action: string; cluster_id: string | null }>(
      `SELECT action, cluster_id FROM audit_event WHERE subject_id = $1`,
      [id],
    );
    assert.deepEqual(audit, [{ action: 'application.approved', cluster_id: cluster.id }]);

    const mailer = createMemoryMailer();
    await runDueJobs(db, emailHandlers(mailer), 'test');
    const mine = mailer.sent.filter((m) => m.to === email);
    assert.equal(mine.length, 3, mine.map((m) => m.subject).join(' | '));
    assert.ok(mine.some((m) => /ricevuta/.test(m.subject)));
    assert.ok(mine.some((m) => /Invito/.test(m.subject) && /https:\/\/filiera\.test\/it\/invitations\//.test(m.text)));
    assert.ok(mine.some((m) => /approvata/.test(m.subject) && /Requisiti verificati/.test(m.text)));
  });

  test('a failure inside the approval rolls everything back', async () => {
    const cluster = await buildCluster(db);
    const staff = await actorWith([{ role: 'staff', clusterId: cluster.id }]);
    const vat = makeVat();
    const { id } = await submit(cluster, applicationBody({ vat }));
    // The last write of the approval fails: nothing before it may survive.
    await db.exec(`
      CREATE FUNCTION fail_approval() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.action = 'application.approved' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER fail_approval BEFORE INSERT ON audit_event FOR EACH ROW EXECUTE FUNCTION fail_approval();`);
    const jobsBefore = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM job'))[0].n;
    try {
      await assert.rejects(
        decideApplication(db, staff, { applicationId: id, input: { decision: 'approve', boardMeetingOn: '2026-03-10' }, publicUrl: 'https://x.test' }),
        /injected failure/,
      );
    } finally {
      await db.exec('DROP TRIGGER fail_approval ON audit_event; DROP FUNCTION fail_approval();');
    }
    assert.equal((await db.query('SELECT 1 FROM organisation WHERE vat_number = $1', [vat])).length, 0);
    assert.equal((await db.query('SELECT 1 FROM membership WHERE cluster_id = $1', [cluster.id])).length, 0);
    assert.equal((await db.query('SELECT 1 FROM app_user WHERE email = $1', ['referente@example.org'])).length, 0);
    assert.equal((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM job'))[0].n, jobsBefore);
    assert.equal((await getApplication(db, staff, id)).status, 'submitted');
  });

  test('rejection needs a reason and a past board date; deciding twice is a conflict; a rejected applicant may apply again', async () => {
    const cluster = await buildCluster(db);
    const staff = await actorWith([{ role: 'staff', clusterId: cluster.id }]);
    const vat = makeVat();
    const { id } = await submit(cluster, applicationBody({ vat, email: 'again@example.org' }));
    const tomorrow = new Date(Date.now() + 2 * 86400_000).toISOString().slice(0, 10);
    await assert.rejects(
      decideApplication(db, staff, { applicationId: id, input: { decision: 'reject', boardMeetingOn: tomorrow }, publicUrl: 'x' }),
      (err: unknown) => {
        assert.ok(err instanceof AppError);
        assert.deepEqual(err.fields, { reason: 'required', boardMeetingOn: 'in_future' });
        return true;
      },
    );
    await assert.rejects(
      decideApplication(db, staff, { applicationId: id, input: { decision: 'reject', reason: 'x', boardMeetingOn: '2026-02-30' }, publicUrl: 'x' }),
      (err: unknown) => err instanceof AppError && err.fields?.boardMeetingOn === 'invalid_date',
    );
    const today = todayInItaly();
    const res = await decideApplication(db, staff, {
      applicationId: id,
      input: { decision: 'reject', reason: 'Sede operativa non documentata', boardMeetingOn: today },
      publicUrl: 'x',
    });
    assert.equal(res.application.status, 'rejected');
    assert.equal(res.application.decisionReason, 'Sede operativa non documentata');
    await assert.rejects(
      decideApplication(db, staff, { applicationId: id, input: { decision: 'approve', boardMeetingOn: today }, publicUrl: 'x' }),
      statusOf(409, 'already_decided'),
    );
    const [audit] = await db.query<{ action: string; cluster_id: string }>('SELECT action, cluster_id FROM audit_event WHERE subject_id = $1', [id]);
    assert.deepEqual(audit, { action: 'application.rejected', cluster_id: cluster.id });
    const mailer = createMemoryMailer();
    await runDueJobs(db, emailHandlers(mailer), 'test');
    assert.ok(mailer.sent.some((m) => m.to === 'again@example.org' && /Sede operativa non documentata/.test(m.text)));

    const again = await submit(cluster, applicationBody({ vat }));
    assert.notEqual(again.id, id);
    const approved = await decideApplication(db, staff, { applicationId: again.id, input: { decision: 'approve', boardMeetingOn: today }, publicUrl: 'x' });
    assert.equal(approved.application.status, 'approved');
  });

  test('approval matches an existing organisation by tax identity and readmits a withdrawn member', async () => {
    const cluster = await buildCluster(db);
    const staff = await actorWith([{ role: 'staff', clusterId: cluster.id }]);
    const vat = makeVat();
    const org = await buildOrganisation(db, { vat_number: vat, legal_name: 'Già Registrata Spa' });
    const old = await buildMembership(db, cluster.id, org.id, { status: 'withdrawn' });
    const { id } = await submit(cluster, applicationBody({ vat }));
    assert.equal((await checksOf(id, staff)).not_already_member.detail, 'former_member');
    const res = await decideApplication(db, staff, { applicationId: id, input: { decision: 'approve', boardMeetingOn: '2026-03-01' }, publicUrl: 'x' });
    assert.equal(res.application.organisationId, org.id);
    assert.equal(res.application.membershipId, old.id);
    const [ms] = await db.query<{ status: string; joined_on: string; left_on: string | null }>('SELECT status, joined_on, left_on FROM membership WHERE id = $1', [old.id]);
    assert.deepEqual(ms, { status: 'active', joined_on: '2026-03-01', left_on: null });
    assert.equal((await db.query('SELECT 1 FROM organisation WHERE vat_number = $1', [vat])).length, 1);
  });

  test('approving an application of a registered organisation that has an admin grants the referent no role', async () => {
    const cluster = await buildCluster(db);
    const staff = await actorWith([{ role: 'staff', clusterId: cluster.id }]);
    const vat = makeVat();
    const org = await buildOrganisation(db, { vat_number: vat, legal_name: 'Amministrata Spa' });
    const admin = await buildUser(db, { roles: [{ role: 'org_admin', organisationId: org.id }] });
    const email = `intruder-${vat}@example.org`;
    const { id } = await submit(cluster, applicationBody({ vat, email }));
    const checks = await checksOf(id, staff);
    assert.equal(checks.organisation_registered.ok, false);
    assert.match(checks.organisation_registered.detail, /^registered Amministrata Spa$/);
    const res = await decideApplication(db, staff, { applicationId: id, input: { decision: 'approve', boardMeetingOn: '2026-03-01' }, publicUrl: 'x' });
    assert.equal(res.application.organisationId, org.id);
    const admins = await db.query<{ user_id: string }>(`SELECT user_id FROM user_role WHERE role = 'org_admin' AND organisation_id = $1`, [org.id]);
    assert.deepEqual(admins, [{ user_id: admin.id }]);
    assert.equal((await db.query('SELECT 1 FROM app_user WHERE email = $1', [email])).length, 0);
    const [audit] = await db.query<{ after: { referentInvited: boolean } }>(`SELECT after FROM audit_event WHERE subject_id = $1`, [id]);
    assert.equal(audit.after.referentInvited, false);

    // A registered organisation nobody administers yet: its referent is invited as its admin.
    const orphanVat = makeVat();
    const orphan = await buildOrganisation(db, { vat_number: orphanVat });
    const second = await submit(cluster, applicationBody({ vat: orphanVat, email: `ref-${orphanVat}@example.org` }));
    assert.equal((await checksOf(second.id, staff)).organisation_registered.ok, false);
    await decideApplication(db, staff, { applicationId: second.id, input: { decision: 'approve', boardMeetingOn: '2026-03-01' }, publicUrl: 'x' });
    assert.equal(await roleOffered(`ref-${orphanVat}@example.org`, orphan.id), 'org_admin');
  });

  test('a region officer reads applications and memberships but takes no staff decision', async () => {
    const cluster = await buildCluster(db);
    const region = await actorWith([{ role: 'region' }]);
    const { id } = await submit(cluster, applicationBody());
    assert.equal((await getApplication(db, region, id)).id, id);
    assert.ok((await listApplications(db, region, { status: 'all', page: 1, pageSize: 100, cluster: cluster.slug })).items.some((a) => a.id === id));
    await assert.rejects(
      decideApplication(db, region, { applicationId: id, input: { decision: 'approve', boardMeetingOn: '2026-03-01' }, publicUrl: 'x' }),
      statusOf(403),
    );
    await assert.rejects(
      decideApplication(db, region, { applicationId: id, input: { decision: 'reject', reason: 'x', boardMeetingOn: '2026-03-01' }, publicUrl: 'x' }),
      statusOf(403),
    );
    assert.equal((await getApplication(db, region, id)).status, 'submitted');

    const org = await buildOrganisation(db, { vat_number: makeVat() });
    const ms = await buildMembership(db, cluster.id, org.id);
    await db.query(`UPDATE membership SET joined_on = '2025-01-15' WHERE id = $1`, [ms.id]);
    assert.ok((await getMembership(db, region, ms.id)).events);
    for (const status of ['suspended', 'withdrawn'] as const) {
      await assert.rejects(
        changeMembershipStatus(db, region, { membershipId: ms.id, input: { status, reason: 'x', decidedOn: '2026-03-01' } }),
        statusOf(403),
      );
    }
    await assert.rejects(
      updateMembership(db, region, { membershipId: ms.id, input: { isLeaderCompany: true, leaderReason: 'x' } }),
      statusOf(403),
    );
    await assert.rejects(updateMembership(db, region, { membershipId: ms.id, input: { role: 'promoter', reason: 'x' } }), statusOf(403));
    const [row] = await db.query<{ status: string; role: string; is_leader_company: boolean }>(
      'SELECT status, role, is_leader_company FROM membership WHERE id = $1',
      [ms.id],
    );
    assert.deepEqual(row, { status: 'active', role: 'member', is_leader_company: false });
  });

  test('the automatic checks match the organisation exactly as the approval does (one tax-identity matcher)', async () => {
    const cluster = await buildCluster(db);
    const staff = await actorWith([{ role: 'staff', clusterId: cluster.id }]);
    // A member registered with its 11-digit codice fiscale only; the application gives the same digits as VAT number.
    const number = makeVat();
    const org = await buildOrganisation(db, { vat_number: null, tax_code: number });
    await buildMembership(db, cluster.id, org.id);
    const { id } = await submit(cluster, applicationBody({ vat: number }));
    const c = await checksOf(id, staff);
    const decided = await decideApplication(db, staff, { applicationId: id, input: { decision: 'approve', boardMeetingOn: '2026-03-01' }, publicUrl: 'x' }).then(
      (r) => r.application.organisationId,
      (err: unknown) => (err instanceof AppError ? err.code : String(err)),
    );
    if (c.organisation_registered.ok) {
      assert.equal(c.not_already_member.ok, true);
      assert.notEqual(decided, org.id);
    } else {
      assert.equal(c.not_already_member.detail, 'active_member');
      assert.equal(decided, 'already_member');
    }
  });

  test('staff of another cluster may neither read nor decide; the queue shows only managed clusters', async () => {
    const cluster = await buildCluster(db);
    const other = await buildCluster(db);
    const outsider = await actorWith([{ role: 'staff', clusterId: other.id }]);
    const admin = await actorWith([{ role: 'platform_admin' }]);
    const { id } = await submit(cluster, applicationBody());
    await assert.rejects(
      decideApplication(db, outsider, { applicationId: id, input: { decision: 'approve', boardMeetingOn: '2026-03-01' }, publicUrl: 'x' }),
      statusOf(403),
    );
    await assert.rejects(getApplication(db, outsider, id), statusOf(403));
    // A platform admin reads every queue but the board's decision is the cluster's staff's to record.
    assert.equal((await getApplication(db, admin, id)).id, id);
    await assert.rejects(
      decideApplication(db, admin, { applicationId: id, input: { decision: 'approve', boardMeetingOn: '2026-03-01' }, publicUrl: 'x' }),
      statusOf(403),
    );
    const list = await listApplications(db, outsider, { status: 'all', page: 1, pageSize: 100 });
    assert.ok(list.items.every((a) => a.cluster.id === other.id));
    assert.ok(!list.items.some((a) => a.id === id));
    await assert.rejects(getApplication(db, outsider, 'not-a-uuid'), statusOf(404));
    await assert.rejects(getApplication(db, outsider, '00000000-0000-4000-8000-000000000000'), statusOf(404));
  });
});

describe('memberships', () => {
  /** A cluster meeting every requirement with exactly nine active members. */
  async function recognisedCluster() {
    const cluster = await buildCluster(db, { legal_personality: true, partnership_agreement_signed_on: '2025-12-01' });
    const members: { org: { id: string }; ms: { id: string } }[] = [];
    for (let i = 0; i < 9; i++) {
      const org = await buildOrganisation(db, { category: i === 0 ? 'university' : 'company', vat_number: makeVat() });
      const ms = await buildMembership(db, cluster.id, org.id, { role: i === 1 ? 'capofila' : 'member', leader: i === 1 });
      members.push({ org, ms });
    }
    await db.query(`UPDATE membership SET joined_on = '2025-01-15' WHERE cluster_id = $1`, [cluster.id]);
    return { cluster, members };
  }

  test('suspending one of nine members reports min_members, writes the event and the audit row; reinstating reports nothing', async () => {
    const { cluster, members } = await recognisedCluster();
    const staff = await actorWith([{ role: 'staff', clusterId: cluster.id }]);
    const target = members[5];
    const res = await changeMembershipStatus(db, staff, {
      membershipId: target.ms.id,
      input: { status: 'suspended', reason: 'Quota non versata', decidedOn: '2026-03-02' },
    });
    assert.deepEqual(res.requirementsAffected, ['min_members']);
    assert.equal(res.membership.status, 'suspended');
    assert.deepEqual(
      res.membership.events?.map((e) => [e.kind, e.reason, e.decidedOn]),
      [['suspended', 'Quota non versata', '2026-03-02']],
    );
    const [audit] = await db.query<{ action: string; cluster_id: string }>(
      `SELECT action, cluster_id FROM audit_event WHERE subject_id = $1`,
      [target.ms.id],
    );
    assert.deepEqual(audit, { action: 'membership.suspended', cluster_id: cluster.id });
    await assert.rejects(
      changeMembershipStatus(db, staff, { membershipId: target.ms.id, input: { status: 'suspended', reason: 'x', decidedOn: '2026-03-02' } }),
      statusOf(409, 'invalid_transition'),
    );
    const back = await changeMembershipStatus(db, staff, {
      membershipId: target.ms.id,
      input: { status: 'active', reason: 'Quota versata', decidedOn: '2026-03-05' },
    });
    assert.deepEqual(back.requirementsAffected, []);
    assert.equal(back.membership.status, 'active');
    // Losing the only research organisation or the only leader is reported too.
    const uni = await changeMembershipStatus(db, staff, {
      membershipId: members[0].ms.id,
      input: { status: 'withdrawn', reason: 'Recesso', decidedOn: '2026-03-06' },
    });
    assert.deepEqual([...uni.requirementsAffected].sort(), ['min_members', 'research_organisation']);
    assert.equal(uni.membership.leftOn, '2026-03-06');
  });

  test('an organisation admin may withdraw its own membership but not suspend it, nor touch another member', async () => {
    const { cluster, members } = await recognisedCluster();
    const own = members[3];
    const orgAdmin = await actorWith([{ role: 'org_admin', organisationId: own.org.id }]);
    await assert.rejects(
      changeMembershipStatus(db, orgAdmin, { membershipId: own.ms.id, input: { status: 'suspended', reason: 'x', decidedOn: todayInItaly() } }),
      statusOf(403),
    );
    await assert.rejects(
      changeMembershipStatus(db, orgAdmin, { membershipId: members[4].ms.id, input: { status: 'withdrawn', reason: 'x', decidedOn: todayInItaly() } }),
      statusOf(403),
    );
    const res = await changeMembershipStatus(db, orgAdmin, {
      membershipId: own.ms.id,
      input: { status: 'withdrawn', reason: 'Cessata attività nel settore', decidedOn: todayInItaly() },
    });
    assert.equal(res.membership.status, 'withdrawn');
    assert.deepEqual(res.requirementsAffected, ['min_members']);
    const history = await listMembershipHistory(db, own.org.id);
    assert.deepEqual(history.map((h) => [h.kind, h.cluster.id]), [['withdrawn', cluster.id]]);
  });

  test('unsetting the only leader company or the capofila role names the requirement it breaks', async () => {
    const { cluster, members } = await recognisedCluster();
    const staff = await actorWith([{ role: 'staff', clusterId: cluster.id }]);
    const leader = members[1];
    const before = await evaluateRequirements(db, cluster.id);
    assert.ok(before.every((r) => r.status === 'met'), JSON.stringify(before.map((r) => [r.id, r.status])));
    const unset = await updateMembership(db, staff, { membershipId: leader.ms.id, input: { isLeaderCompany: false, leaderReason: 'Revisione' } });
    assert.deepEqual(unset.requirementsAffected, ['leader_company']);
    const role = await updateMembership(db, staff, { membershipId: leader.ms.id, input: { role: 'member', reason: 'Cambio capofila' } });
    assert.deepEqual(role.requirementsAffected, ['capofila']);
    // Setting them again breaks nothing.
    const back = await updateMembership(db, staff, {
      membershipId: leader.ms.id,
      input: { isLeaderCompany: true, leaderReason: 'Leader nel settore', role: 'capofila', reason: 'Ritorno' },
    });
    assert.deepEqual(back.requirementsAffected, []);
  });

  test('making another member capofila moves the role: the previous capofila becomes a promoter, each with its event', async () => {
    const { cluster, members } = await recognisedCluster();
    const staff = await actorWith([{ role: 'staff', clusterId: cluster.id }]);
    const next = members[3];
    const res = await updateMembership(db, staff, { membershipId: next.ms.id, input: { role: 'capofila', reason: 'Assemblea' } });
    assert.deepEqual(res.requirementsAffected, []);
    const roles = await db.query<{ id: string; role: string }>(`SELECT id, role FROM membership WHERE cluster_id = $1 AND role <> 'member'`, [cluster.id]);
    assert.deepEqual(Object.fromEntries(roles.map((r) => [r.id, r.role])), { [members[1].ms.id]: 'promoter', [next.ms.id]: 'capofila' });
    const [event] = await db.query<{ reason: string }>(`SELECT reason FROM membership_event WHERE membership_id = $1 AND kind = 'role_changed'`, [
      members[1].ms.id,
    ]);
    assert.equal(event.reason, 'capofila → promoter');
  });

  test('the leader-company flag needs a reason and a company or consortium; role changes are recorded', async () => {
    const { cluster, members } = await recognisedCluster();
    const staff = await actorWith([{ role: 'staff', clusterId: cluster.id }]);
    const other = await actorWith([{ role: 'staff', clusterId: (await buildCluster(db)).id }]);
    await assert.rejects(
      updateMembership(db, staff, { membershipId: members[0].ms.id, input: { isLeaderCompany: true, leaderReason: 'Eccellenza' } }),
      (err: unknown) => err instanceof AppError && err.fields?.isLeaderCompany === 'not_a_company',
    );
    await assert.rejects(
      updateMembership(db, staff, { membershipId: members[2].ms.id, input: { isLeaderCompany: true } }),
      (err: unknown) => err instanceof AppError && err.fields?.leaderReason === 'required',
    );
    await assert.rejects(
      updateMembership(db, other, { membershipId: members[2].ms.id, input: { isLeaderCompany: true, leaderReason: 'x' } }),
      statusOf(403),
    );
    const set = await updateMembership(db, staff, {
      membershipId: members[2].ms.id,
      input: { isLeaderCompany: true, leaderReason: 'Quota di mercato rilevante nel settore', role: 'promoter', reason: 'Socio promotore' },
    });
    assert.equal(set.membership.isLeaderCompany, true);
    assert.equal(set.membership.leaderReason, 'Quota di mercato rilevante nel settore');
    assert.equal(set.membership.role, 'promoter');
    assert.deepEqual(set.membership.events?.map((e) => e.kind).sort(), ['leader_set', 'role_changed']);
    assert.deepEqual(set.requirementsAffected, []);
    const unset = await updateMembership(db, staff, { membershipId: members[2].ms.id, input: { isLeaderCompany: false, leaderReason: 'Revisione annuale' } });
    assert.equal(unset.membership.isLeaderCompany, false);
    // Another leader company (members[1]) remains: nothing stops being met.
    assert.deepEqual(unset.requirementsAffected, []);
    assert.equal(unset.membership.leaderReason, null);
    const audits = await db.query<{ action: string; cluster_id: string }>(
      `SELECT action, cluster_id FROM audit_event WHERE subject_id = $1 ORDER BY id`,
      [members[2].ms.id],
    );
    assert.deepEqual(audits, [
      { action: 'membership.updated', cluster_id: cluster.id },
      { action: 'membership.updated', cluster_id: cluster.id },
    ]);
  });
});
