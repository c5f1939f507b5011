import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../db/db.ts';
import { type Actor, type Role, actorFromSession, createSession } from '../../lib/auth.ts';
import { emailHandlers, runDueJobs } from '../../lib/jobs.ts';
import { createMemoryMailer } from '../../lib/mail.ts';
import { createTestDb } from '../../testing/db.ts';
import { buildCluster, buildMembership, buildOrganisation, buildUser } from '../../testing/factories.ts';
import { closeProfile } from '../marketplace/marketplace.ts';
import { buildProfile } from './collaborations.testing.ts';
import { decideInterest, expressInterest, getCollaboration, getInterest, getReport, listCollaborations, listInterests, updateCollaboration, withdrawInterest } from './collaborations.ts';

const publicUrl = 'https://filiera.test';

describe('expressions of interest and collaborations (domain)', () => {
  let db: Db;
  let clusterId: string;
  let clusterSlug: string;
  let ownerOrg: { id: string; legal_name: string };
  let partnerOrg: { id: string; legal_name: string };
  let owner: Actor;
  let partner: Actor;
  let staff: Actor;
  let otherStaff: Actor;
  let region: Actor;
  let outsider: Actor;
  let formerMember: Actor;
  const emails = { owner: 'owner@example.org', ownerAdmin: 'owner-admin@example.org', partner: 'partner@example.org', staff: 'staff@example.org' };

  const actor = async (roles: { role: Role; clusterId?: string; organisationId?: string }[], o: { email?: string; locale?: 'it' | 'en'; name?: string } = {}) => {
    const u = await buildUser(db, { roles, ...o });
    return (await actorFromSession(db, await createSession(db, u.id))) as Actor;
  };
  const sent = async () => {
    const mailer = createMemoryMailer();
    await runDueJobs(db, emailHandlers(mailer), 'test');
    return mailer.sent;
  };
  const audits = async (subjectId: string) =>
    (await db.query<{ action: string }>('SELECT action FROM audit_event WHERE subject_id = $1 ORDER BY id', [subjectId])).map((a) => a.action);

  before(async () => {
    db = await createTestDb();
    const cluster = await buildCluster(db);
    clusterId = cluster.id;
    clusterSlug = cluster.slug;
    const other = await buildCluster(db);
    ownerOrg = await buildOrganisation(db, { legal_name: 'Laboratori Owner Srl' });
    partnerOrg = await buildOrganisation(db, { legal_name: 'Partner Cosmetici Spa' });
    // The partner is a member of another cluster: interest crosses clusters.
    await buildMembership(db, cluster.id, ownerOrg.id);
    await buildMembership(db, other.id, partnerOrg.id);
    const former = await buildOrganisation(db);
    await buildMembership(db, cluster.id, former.id, { status: 'withdrawn' });
    owner = await actor([{ role: 'member', organisationId: ownerOrg.id }], { email: emails.owner, name: 'Olga Owner' });
    await actor([{ role: 'org_admin', organisationId: ownerOrg.id }], { email: emails.ownerAdmin, locale: 'en', name: 'Adam Admin' });
    partner = await actor([{ role: 'org_admin', organisationId: partnerOrg.id }], { email: emails.partner, locale: 'en', name: 'Paula Partner' });
    staff = await actor([{ role: 'staff', clusterId: cluster.id }], { email: emails.staff });
    otherStaff = await actor([{ role: 'staff', clusterId: other.id }]);
    region = await actor([{ role: 'region' }]);
    outsider = await actor([{ role: 'member', organisationId: (await buildOrganisation(db)).id }]);
    formerMember = await actor([{ role: 'member', organisationId: former.id }]);
    await sent();
  });
  after(() => db.close());

  test('who may express interest: not in the own profile, only with an active membership, only in published profiles, one open per organisation', async () => {
    const profile = await buildProfile(db, { clusterId, organisationId: ownerOrg.id });
    const draft = await buildProfile(db, { clusterId, organisationId: ownerOrg.id, status: 'draft' });
    const base = { profileId: profile.id, message: 'Ci interessa', publicUrl, locale: 'it' as const };
    await assert.rejects(expressInterest(db, owner, base), (e: { status: number; fields: Record<string, string> }) => e.status === 400 && e.fields.profileId === 'own_profile');
    await assert.rejects(expressInterest(db, formerMember, base), (e: { status: number; fields: Record<string, string> }) => e.status === 400 && e.fields.organisationId === 'not_a_member');
    await assert.rejects(expressInterest(db, partner, { ...base, profileId: draft.id }), { status: 404 });
    await assert.rejects(expressInterest(db, partner, { ...base, organisationId: ownerOrg.id }), { status: 403 });
    const late = await buildProfile(db, { clusterId, organisationId: ownerOrg.id, deadline: '2020-01-31' });
    await assert.rejects(expressInterest(db, partner, { ...base, profileId: late.id }), (e: { status: number; fields: Record<string, string> }) => e.status === 400 && e.fields.profileId === 'deadline_passed');
    const lastDay = await buildProfile(db, { clusterId, organisationId: ownerOrg.id, deadline: '2999-12-31' });
    assert.equal((await expressInterest(db, partner, { ...base, profileId: lastDay.id })).status, 'pending');
    const first = await expressInterest(db, partner, base);
    assert.equal(first.status, 'pending');
    await assert.rejects(expressInterest(db, partner, base), { status: 409, code: 'interest_exists' });
    await withdrawInterest(db, partner, { id: first.id, locale: 'it' });
    await assert.rejects(withdrawInterest(db, partner, { id: first.id, locale: 'it' }), { status: 409 });
    const again = await expressInterest(db, partner, base);
    assert.notEqual(again.id, first.id);
    assert.deepEqual(await audits(first.id), ['interest.expressed', 'interest.withdrawn']);
    // the owner cannot withdraw someone else's interest; an unrelated member does not even see it
    await assert.rejects(withdrawInterest(db, owner, { id: again.id, locale: 'it' }), { status: 403 });
    await assert.rejects(getInterest(db, outsider, { id: again.id, locale: 'it' }), { status: 404 });
    await assert.rejects(getInterest(db, otherStaff, { id: again.id, locale: 'it' }), { status: 404 });
    const mail = await sent();
    // all three expressions reached the owner's two users, each in their language; the interested party is named
    assert.equal(mail.filter((m) => m.to === emails.owner).length, 3);
    const en = mail.find((m) => m.to === emails.ownerAdmin);
    assert.match(en?.subject ?? '', /New expression of interest/);
    assert.match(en?.text ?? '', /Partner Cosmetici Spa/);
    assert.match(en?.text ?? '', /https:\/\/filiera\.test\/en\/interests\//);
    assert.ok(!mail.some((m) => m.to === emails.staff));
  });

  test('a profile closed with an interest still waiting: the interested party is told (title only), and may still be answered', async () => {
    const profile = await buildProfile(db, { clusterId, organisationId: ownerOrg.id, anonymous: true, title_en: 'Closing soon' });
    const i = await expressInterest(db, partner, { profileId: profile.id, message: 'Ancora interessati', publicUrl, locale: 'en' });
    await sent();
    await closeProfile(db, owner, { id: profile.id, publicUrl });
    const mail = (await sent()).filter((m) => m.to === emails.partner);
    assert.equal(mail.length, 1);
    assert.match(mail[0].subject, /The profile “Closing soon” is no longer published/);
    assert.match(mail[0].text, /has been closed/);
    assert.ok(mail[0].text.includes(`/en/interests/${i.id}`), 'with the way to the interest');
    assert.doesNotMatch(mail[0].text, /Owner Srl/, 'an anonymous owner stays hidden');
    assert.equal((await getInterest(db, owner, { id: i.id, locale: 'en' })).can.decide, true, 'the owner may still answer');
  });

  test('an anonymous profile: the owner and the staff are told, the interested party does not learn the owner until acceptance; contacts then show both sides', async () => {
    const profile = await buildProfile(db, { clusterId, organisationId: ownerOrg.id, anonymous: true });
    const i = await expressInterest(db, partner, { profileId: profile.id, message: 'Interessati alla licenza', publicUrl, locale: 'en' });
    assert.equal(i.owner, null);
    assert.equal(i.contacts, null);
    assert.equal((await getInterest(db, owner, { id: i.id, locale: 'it' })).owner?.name, 'Laboratori Owner Srl');
    const sentList = await listInterests(db, partner, { box: 'sent', page: 1, pageSize: 50, locale: 'it' });
    assert.ok(sentList.items.every((x) => x.profile.id !== profile.id || x.owner === null));
    const mail = await sent();
    assert.deepEqual(mail.map((m) => m.to).sort(), [emails.owner, emails.ownerAdmin, emails.staff].sort());
    assert.match(mail.find((m) => m.to === emails.staff)?.text ?? '', /Laboratori Owner Srl/, 'the staff learn whose profile it is');
    assert.match(mail.find((m) => m.to === emails.owner)?.text ?? '', /Interessati alla licenza/, 'the owner reads the message');
    assert.ok(!mail.some((m) => m.to === emails.partner), 'the interested party is told nothing here');
    // a partner cannot decide its own interest
    await assert.rejects(decideInterest(db, partner, { id: i.id, decision: { decision: 'accept', comment: null }, publicUrl, locale: 'it' }), { status: 403 });
    // staff of the profile's cluster decide for an anonymous profile
    const accepted = await decideInterest(db, staff, { id: i.id, decision: { decision: 'accept', comment: null }, publicUrl, locale: 'it' });
    assert.equal(accepted.status, 'accepted');
    const seen = await getInterest(db, partner, { id: i.id, locale: 'en' });
    assert.equal(seen.owner?.name, 'Laboratori Owner Srl');
    assert.deepEqual(seen.contacts?.owner.map((c) => c.email).sort(), [emails.ownerAdmin, emails.owner].sort());
    assert.deepEqual(seen.contacts?.interested.map((c) => c.email), [emails.partner]);
    assert.ok(seen.collaborationId);
    const acceptedMail = await sent();
    const toPartner = acceptedMail.find((m) => m.to === emails.partner);
    assert.match(toPartner?.subject ?? '', /accepted: the contacts of Laboratori Owner Srl/);
    assert.match(toPartner?.text ?? '', /owner@example\.org/);
    assert.match(acceptedMail.find((m) => m.to === emails.owner)?.text ?? '', /partner@example\.org/);
    await assert.rejects(decideInterest(db, owner, { id: i.id, decision: { decision: 'decline', reason: 'too_early', comment: null }, publicUrl, locale: 'it' }), {
      status: 409,
      code: 'already_decided',
    });
  });

  test('decline: reason stored, e-mailed in the interested party’s language, audited; the owner may decide and the row is not re-decided', async () => {
    const profile = await buildProfile(db, { clusterId, organisationId: ownerOrg.id });
    const i = await expressInterest(db, partner, { profileId: profile.id, message: 'Proposta', publicUrl, locale: 'it' });
    await sent();
    const d = await decideInterest(db, owner, { id: i.id, decision: { decision: 'decline', reason: 'has_partner', comment: 'Abbiamo già un accordo' }, publicUrl, locale: 'it' });
    assert.equal(d.status, 'declined');
    assert.equal(d.declineReason, 'has_partner');
    const mail = await sent();
    assert.deepEqual(mail.map((m) => m.to), [emails.partner]);
    assert.match(mail[0].text, /Reason: We already have a partner/);
    assert.match(mail[0].text, /Abbiamo già un accordo/);
    assert.deepEqual(await audits(i.id), ['interest.expressed', 'interest.declined']);
    const [row] = await db.query<{ decided_by: string; collaborations: number }>(
      'SELECT decided_by, (SELECT count(*) FROM collaboration WHERE interest_id = i.id)::int AS collaborations FROM interest i WHERE id = $1',
      [i.id],
    );
    assert.equal(row.decided_by, owner.userId);
    assert.equal(row.collaborations, 0);
    // a declined interest is closed: the partner may express a new one
    assert.equal((await expressInterest(db, partner, { profileId: profile.id, message: 'Di nuovo', publicUrl, locale: 'it' })).status, 'pending');
  });

  test('acceptance opens a collaboration in one transaction; parties and staff move it; every change is an event and an audit row; the report counts it', async () => {
    const profile = await buildProfile(db, { clusterId, organisationId: ownerOrg.id, title_it: 'Emulsioni a freddo', title_en: null });
    const i = await expressInterest(db, partner, { profileId: profile.id, message: 'Vorremmo provarla', publicUrl, locale: 'it' });
    const accepted = await decideInterest(db, owner, { id: i.id, decision: { decision: 'accept', comment: 'Sentiamoci' }, publicUrl, locale: 'it' });
    const collaborationId = accepted.collaborationId as string;
    const c = await getCollaboration(db, partner, { id: collaborationId, locale: 'en' });
    assert.equal(c.stage, 'contact');
    assert.equal(c.outcome, null);
    assert.equal(c.profile.title, 'Emulsioni a freddo');
    assert.equal(c.owner.name, 'Laboratori Owner Srl');
    assert.deepEqual(c.partner.contacts, [{ name: 'Paula Partner', email: emails.partner }]);
    assert.deepEqual(c.events.map((e) => [e.stage, e.note]), [['contact', 'Sentiamoci']]);
    assert.ok(c.canUpdate);
    assert.deepEqual(await audits(i.id), ['interest.expressed', 'interest.accepted']);

    await updateCollaboration(db, partner, { id: collaborationId, event: { stage: 'nda', note: 'NDA firmato' }, locale: 'it' });
    await assert.rejects(updateCollaboration(db, partner, { id: collaborationId, event: { stage: 'nda', note: null }, locale: 'it' }), { status: 400 });
    await assert.rejects(updateCollaboration(db, otherStaff, { id: collaborationId, event: { stage: 'proposal', note: null }, locale: 'it' }), { status: 404 });
    await assert.rejects(updateCollaboration(db, region, { id: collaborationId, event: { stage: 'proposal', note: null }, locale: 'it' }), { status: 403 });
    const done = await updateCollaboration(db, staff, { id: collaborationId, event: { stage: 'agreement_signed', outcome: 'licence', note: 'Licenza esclusiva' }, locale: 'it' });
    assert.equal(done.stage, 'agreement_signed');
    assert.equal(done.outcome, 'licence');
    assert.ok(done.outcomeAt);
    assert.deepEqual(
      done.events.map((e) => [e.stage, e.outcome, e.actorName]),
      [
        ['contact', null, 'Olga Owner'],
        ['nda', null, 'Paula Partner'],
        ['agreement_signed', 'licence', 'Test User'],
      ],
    );
    assert.deepEqual(await audits(collaborationId), ['collaboration.stage_changed', 'collaboration.outcome_recorded']);
    assert.equal((await getCollaboration(db, region, { id: collaborationId, locale: 'it' })).canUpdate, false);
    await assert.rejects(getCollaboration(db, outsider, { id: collaborationId, locale: 'it' }), { status: 404 });

    // lists: the staff see their cluster's, the other cluster's staff do not; the partner sees its own
    const mine = await listCollaborations(db, staff, { page: 1, pageSize: 50, locale: 'it' });
    assert.ok(mine.items.some((x) => x.id === collaborationId));
    assert.equal((await listCollaborations(db, otherStaff, { page: 1, pageSize: 50, locale: 'it' })).total, 0);
    assert.equal((await listCollaborations(db, partner, { outcome: 'licence', page: 1, pageSize: 50, locale: 'it' })).total, 1);
    assert.equal((await listCollaborations(db, partner, { outcome: 'open', page: 1, pageSize: 50, locale: 'it' })).items.every((x) => x.outcome === null), true);

    const report = await getReport(db, staff, { locale: 'it' });
    assert.equal(report.cluster?.slug, clusterSlug);
    const count = (rows: { key: string; count: number }[], key: string) => rows.find((r) => r.key === key)?.count;
    assert.equal(count(report.stages, 'agreement_signed'), 1);
    assert.equal(count(report.stages, 'contact'), 1); // the anonymous profile's collaboration
    assert.equal(count(report.outcomes, 'licence'), 1);
    assert.equal(count(report.outcomes, 'open'), 1);
    assert.equal(count(report.declines, 'has_partner'), 1);
    assert.equal(count(report.interests, 'withdrawn'), 1);
    assert.equal(report.totals.collaborations, 2);
    // a period that ended before any of it counts nothing; another cluster's staff may not read this cluster's report
    const empty = await getReport(db, staff, { from: '2020-01-01', to: '2020-12-31', locale: 'it' });
    assert.equal(empty.totals.collaborations + empty.totals.interests, 0);
    await assert.rejects(getReport(db, otherStaff, { cluster: clusterSlug, locale: 'it' }), { status: 403 });
    const all = await getReport(db, region, { locale: 'en' });
    assert.equal(all.cluster, null);
    assert.ok(all.totals.collaborations >= 2);
  });
});
