import assert from 'node:assert/strict';
import { translator } from '../../lib/i18n.ts';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../db/db.ts';
import { type Actor, type Role, actorFromSession, createSession } from '../../lib/auth.ts';
import { AppError } from '../../lib/errors.ts';
import { runDueJobs } from '../../lib/jobs.ts';
import { createTestDb } from '../../testing/db.ts';
import { buildCluster, buildMembership, buildOrganisation, buildUser } from '../../testing/factories.ts';
import {
  EXPIRY_JOB,
  closeProfile,
  createProfile,
  ensureExpiryJob,
  getProfile,
  listProfiles,
  marketplaceJobHandlers,
  renewProfile,
  reviewProfile,
  runExpiry,
  submitProfile,
  updateProfile,
} from './marketplace.ts';

const publicUrl = 'https://filiera.test';

async function rejects(p: Promise<unknown>, status: number, fields?: string[]): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof AppError, String(err));
    assert.equal(err.status, status, `${err.code} ${JSON.stringify(err.fields)}`);
    if (fields) assert.deepEqual(Object.keys(err.fields ?? {}).sort(), [...fields].sort());
    return err;
  }
  assert.fail('expected a rejection');
}

describe('marketplace profiles (domain)', () => {
  let db: Db;
  let clusterId: string;
  let otherClusterId: string;
  let orgId: string;
  let orgName: string;
  let owner: Actor;
  let staff: Actor;
  let otherStaff: Actor;
  let region: Actor;
  let peer: Actor;
  let peerOrgId: string;
  let outsider: Actor;

  const actor = async (roles: { role: Role; clusterId?: string; organisationId?: string }[], email?: string) => {
    const u = await buildUser(db, { roles, email });
    return (await actorFromSession(db, await createSession(db, u.id))) as Actor;
  };
  const emails = async (template: string) =>
    (await db.query<{ payload: { to: string; params: Record<string, string> } }>(
      "SELECT payload FROM job WHERE kind = 'email' AND payload->>'template' = $1 ORDER BY id",
      [template],
    )).map((r) => r.payload);
  const audit = async (id: string) =>
    (await db.query<{ action: string }>('SELECT action FROM audit_event WHERE subject_id = $1 ORDER BY id', [id])).map((r) => r.action);
  const doc = async (id: string) =>
    (await db.query<{ name: string; subtype: string; text_it: string; cluster_ids: string[]; category: string | null; provinces: string[] }>(
      "SELECT name, subtype, text_it, cluster_ids, category, provinces FROM search_document WHERE type = 'profile' AND id = $1",
      [id],
    ))[0];

  before(async () => {
    db = await createTestDb();
    clusterId = (await buildCluster(db)).id;
    otherClusterId = (await buildCluster(db)).id;
    const org = await buildOrganisation(db, { legal_name: 'Laboratori Segreti Srl', category: 'company' });
    orgId = org.id;
    orgName = org.legal_name;
    await buildMembership(db, clusterId, orgId);
    const peerOrg = await buildOrganisation(db);
    peerOrgId = peerOrg.id;
    await buildMembership(db, clusterId, peerOrg.id);
    const outsiderOrg = await buildOrganisation(db);
    owner = await actor([{ role: 'member', organisationId: orgId }], `owner-${Date.now()}@example.org`);
    staff = await actor([{ role: 'staff', clusterId }], `staff-${Date.now()}@example.org`);
    otherStaff = await actor([{ role: 'staff', clusterId: otherClusterId }]);
    region = await actor([{ role: 'region' }]);
    peer = await actor([{ role: 'member', organisationId: peerOrg.id }]);
    outsider = await actor([{ role: 'org_admin', organisationId: outsiderOrg.id }]);
  });
  after(() => db.close());

  test('every invalid field is named in one 400; a draft needs only its type and a title', async () => {
    const err = await rejects(
      createProfile(db, owner, {
        type: 'technology_offer',
        trl: 12,
        developmentStage: 'finished',
        iprStatus: ['patent_granted', 'stolen'],
        conceptIds: ['tech.encapsulation', 'no.such.concept'],
        atecoCodes: ['20.42.00', '99.99.99'],
        deadline: '2020-01-01',
      }),
      400,
    );
    assert.deepEqual(Object.keys(err.fields ?? {}).sort(), [
      'atecoCodes.1',
      'conceptIds.1',
      'developmentStage',
      'iprStatus.1',
      'titleEn',
      'titleIt',
      'trl',
    ]);
    assert.equal(err.fields?.['conceptIds.1'], 'unknown_concept');
    assert.equal(err.fields?.['atecoCodes.1'], 'unknown_ateco');
    assert.equal(err.fields?.titleIt, 'title_one_language');
    // dates are checked once the shape is right
    await rejects(createProfile(db, owner, { type: 'technology_offer', titleEn: 'X', deadline: '2020-01-01' }), 400, ['deadline']);
    const draft = await createProfile(db, owner, { type: 'lab_service', titleEn: 'Stability testing' });
    assert.equal(draft.status, 'draft');
    assert.equal(draft.clusterId, clusterId);
    assert.equal(draft.owner?.id, orgId);
  });

  test('only users of an organisation that is an active member create; the cluster must be one of its memberships', async () => {
    await rejects(createProfile(db, outsider, { type: 'technology_offer', titleIt: 'X' }), 403);
    await rejects(createProfile(db, staff, { type: 'technology_offer', titleIt: 'X' }), 400, ['organisationId']);
    await rejects(createProfile(db, owner, { type: 'technology_offer', titleIt: 'X', clusterId: otherClusterId }), 400, ['clusterId']);
    await rejects(createProfile(db, owner, { type: 'technology_offer', titleIt: 'X', organisationId: peerOrgId }), 403);
  });

  test('draft → submitted → returned with reasons → edited → resubmitted → published, each step audited, e-mailed and indexed', async () => {
    const p = await createProfile(db, owner, {
      type: 'technology_offer',
      titleIt: 'Incapsulamento di attivi',
      descriptionEn: 'Microencapsulation of actives',
      conceptIds: ['tech.encapsulation.vesicles'],
      atecoCodes: ['20.42.00'],
      trl: 5,
      developmentStage: 'prototype',
      iprStatus: ['patent_applied', 'secret_know_how'],
      partnershipTypes: ['licence'],
      partnerCategories: ['company'],
      partnerSought: 'Produttori conto terzi',
    });
    // a title without a summary in the same language cannot be submitted
    await rejects(submitProfile(db, owner, { id: p.id, publicUrl }), 400, ['summaryIt']);
    await updateProfile(db, owner, { id: p.id, patch: { summaryIt: 'Microcapsule per attivi sensibili' } });
    const submitted = await submitProfile(db, owner, { id: p.id, publicUrl });
    assert.equal(submitted.status, 'submitted');
    const toStaff = await emails('marketplace.email.submitted');
    assert.equal(toStaff.length, 1);
    assert.equal(toStaff[0].to, staff.email);
    assert.match(toStaff[0].params.link, /^https:\/\/filiera\.test\/it\/staff\/marketplace$/);
    // a submitted profile is not editable, and nobody but the cluster's staff decides
    await rejects(updateProfile(db, owner, { id: p.id, patch: { titleIt: 'Altro' } }), 409);
    await rejects(reviewProfile(db, otherStaff, { id: p.id, review: { decision: 'publish', reason: null }, publicUrl }), 404);
    await rejects(reviewProfile(db, region, { id: p.id, review: { decision: 'publish', reason: null }, publicUrl }), 403);
    const returned = await reviewProfile(db, staff, { id: p.id, review: { decision: 'return', reason: 'Manca la sintesi in inglese' }, publicUrl });
    assert.equal(returned.status, 'returned');
    assert.equal(returned.returnReason, 'Manca la sintesi in inglese');
    const back = await emails('marketplace.email.returned');
    assert.deepEqual(back.map((e) => e.to), [owner.email]);
    assert.equal(back[0].params.reason, 'Manca la sintesi in inglese');
    await updateProfile(db, owner, { id: p.id, patch: { titleEn: 'Encapsulation of actives', summaryEn: 'Microcapsules' } });
    await submitProfile(db, owner, { id: p.id, publicUrl });
    assert.equal(await doc(p.id), undefined);
    const published = await reviewProfile(db, staff, { id: p.id, review: { decision: 'publish', reason: null }, publicUrl });
    assert.equal(published.status, 'published');
    const inAYear = new Date();
    inAYear.setUTCFullYear(inAYear.getUTCFullYear() + 1);
    assert.equal(published.validUntil?.slice(0, 7), inAYear.toISOString().slice(0, 7));
    assert.equal((await emails('marketplace.email.published')).length, 1);
    const d = await doc(p.id);
    assert.equal(d.subtype, 'technology_offer');
    assert.equal(d.name, 'Incapsulamento di attivi / Encapsulation of actives');
    assert.deepEqual(d.cluster_ids, [clusterId]);
    assert.equal(d.category, 'company');
    assert.deepEqual(d.provinces, ['MI']);
    assert.match(d.text_it, /Produttori conto terzi/);
    assert.deepEqual(await audit(p.id), [
      'profile.created',
      'profile.updated',
      'profile.submitted',
      'profile.returned',
      'profile.updated',
      'profile.submitted',
      'profile.published',
    ]);
    // public now, and listed
    assert.equal((await getProfile(db, null, p.id)).status, 'published');
    const list = await listProfiles(db, null, { status: 'published', type: 'technology_offer', concept: 'tech.encapsulation', page: 1, pageSize: 20 });
    assert.ok(list.items.some((i) => i.id === p.id));
    const closed = await closeProfile(db, staff, { id: p.id, publicUrl });
    assert.equal(closed.status, 'closed');
    assert.deepEqual((await emails('marketplace.email.closed')).map((e) => e.to), [owner.email]);
    assert.equal(await doc(p.id), undefined);
    await rejects(getProfile(db, null, p.id), 404);
    await rejects(getProfile(db, peer, p.id), 404);
    assert.equal((await getProfile(db, region, p.id)).status, 'closed');
  });

  test('drafts are read by the owner, the cluster staff and the Region only', async () => {
    const p = await createProfile(db, owner, { type: 'business_request', titleIt: 'Cerco fornitore' });
    await rejects(getProfile(db, null, p.id), 404);
    await rejects(getProfile(db, peer, p.id), 404);
    await rejects(getProfile(db, otherStaff, p.id), 404);
    assert.equal((await getProfile(db, staff, p.id)).id, p.id);
    assert.equal((await getProfile(db, region, p.id)).id, p.id);
    const drafts = await listProfiles(db, null, { status: 'draft', page: 1, pageSize: 20 });
    assert.equal(drafts.total, 0);
    assert.ok((await listProfiles(db, region, { status: 'draft', page: 1, pageSize: 20 })).items.some((i) => i.id === p.id));
    await rejects(listProfiles(db, null, { status: 'published', concept: 'no.such', page: 1, pageSize: 20 }), 400, ['query.concept']);
    // the owner closing its own draft: no message to itself
    const closedBefore = (await emails('marketplace.email.closed')).length;
    assert.equal((await closeProfile(db, owner, { id: p.id, publicUrl })).status, 'closed');
    assert.equal((await emails('marketplace.email.closed')).length, closedBefore);
  });

  test('an anonymous profile hides its owner until the owner accepts the reader’s interest', async () => {
    const p = await createProfile(db, owner, { type: 'technology_request', titleIt: 'Cerchiamo un conservante', summaryIt: 'Naturale', anonymous: true });
    await submitProfile(db, owner, { id: p.id, publicUrl });
    await reviewProfile(db, staff, { id: p.id, review: { decision: 'publish', reason: null }, publicUrl });
    assert.equal((await getProfile(db, null, p.id)).owner, null);
    assert.equal((await getProfile(db, peer, p.id)).owner, null);
    assert.equal((await getProfile(db, owner, p.id)).owner?.name, orgName);
    assert.equal((await getProfile(db, staff, p.id)).owner?.id, orgId);
    assert.equal((await getProfile(db, region, p.id)).owner?.id, orgId);
    const listed = (await listProfiles(db, null, { status: 'published', page: 1, pageSize: 100 })).items.find((i) => i.id === p.id);
    assert.equal(listed?.owner, null);
    const d = await doc(p.id);
    assert.ok(!d.name.includes(orgName) && !d.text_it.includes(orgName));
    // nor anything that narrows the owner down (the search's facets and filters, matchmaking's category boost)
    assert.equal(d.category, null);
    assert.deepEqual(d.provinces, []);
    const [interest] = await db.query<{ id: string }>(
      "INSERT INTO interest (profile_id, organisation_id, message) VALUES ($1, $2, 'Interessati') RETURNING id",
      [p.id, peerOrgId],
    );
    assert.equal((await getProfile(db, peer, p.id)).owner, null);
    await db.query("UPDATE interest SET status = 'accepted' WHERE id = $1", [interest.id]);
    assert.equal((await getProfile(db, peer, p.id)).owner?.id, orgId);
  });

  test('the daily run sends the 30- and 7-day reminders once, expires past validity, and renewal brings the profile back', async () => {
    const p = await createProfile(db, owner, { type: 'rd_partner_search', titleEn: 'Partner for a Horizon call', summaryEn: 'Skin microbiome' });
    await submitProfile(db, owner, { id: p.id, publicUrl });
    await reviewProfile(db, staff, { id: p.id, review: { decision: 'publish', reason: null }, publicUrl });
    const before = (await emails('marketplace.email.reminder')).length;
    await db.query("UPDATE profile SET valid_until = current_date + 20 WHERE id = $1", [p.id]);
    await runExpiry(db, publicUrl);
    await runExpiry(db, publicUrl);
    let reminders = (await emails('marketplace.email.reminder')).slice(before);
    assert.equal(reminders.length, 1);
    assert.equal(reminders[0].params.days, 30);
    // 20 days left: the subject names the date, not "in 30 days"
    const subject = translator('it')('marketplace.email.reminder.subject', reminders[0].params);
    assert.match(subject, new RegExp(`scade il ${reminders[0].params.validUntil}`));
    assert.doesNotMatch(subject, /giorni/);
    assert.equal(reminders[0].params.link, `${publicUrl}/it/login?next=${encodeURIComponent(`/it/marketplace/${p.id}#renew`)}`);
    await db.query("UPDATE profile SET valid_until = current_date + 5 WHERE id = $1", [p.id]);
    await runExpiry(db, publicUrl);
    await runExpiry(db, publicUrl);
    reminders = (await emails('marketplace.email.reminder')).slice(before);
    assert.deepEqual(reminders.map((r) => r.params.days), [30, 7]);
    await db.query("UPDATE profile SET valid_until = current_date - 1 WHERE id = $1", [p.id]);
    const run = await runExpiry(db, publicUrl);
    assert.ok(run.expired >= 1);
    assert.equal((await getProfile(db, owner, p.id)).status, 'expired');
    assert.equal(await doc(p.id), undefined);
    await rejects(getProfile(db, null, p.id), 404);
    assert.ok((await emails('marketplace.email.expired')).some((e) => e.params.link.includes(encodeURIComponent(`/marketplace/${p.id}#renew`))));
    // renewal: one click by the owner, not by a peer
    await rejects(renewProfile(db, peer, { id: p.id }), 404);
    const renewed = await renewProfile(db, owner, { id: p.id });
    assert.equal(renewed.status, 'published');
    assert.ok((renewed.validUntil as string) > new Date(Date.now() + 360 * 86400_000).toISOString().slice(0, 10));
    assert.ok(await doc(p.id));
    const [row] = await db.query<{ reminded_30_at: Date | null }>('SELECT reminded_30_at FROM profile WHERE id = $1', [p.id]);
    assert.equal(row.reminded_30_at, null);
    assert.deepEqual((await audit(p.id)).slice(-2), ['profile.expired', 'profile.renewed']);
  });

  test('the expiry job is queued once at start-up and queues its next run itself', async () => {
    const pending = async () =>
      (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM job WHERE kind = $1 AND done_at IS NULL AND failed_at IS NULL`, [EXPIRY_JOB]))[0].n;
    assert.equal(await ensureExpiryJob(db), true);
    assert.equal(await ensureExpiryJob(db), false);
    assert.equal(await pending(), 1);
    await runDueJobs(db, marketplaceJobHandlers(db, { publicUrl }), 'test');
    const [next] = await db.query<{ run_at: Date }>(`SELECT run_at FROM job WHERE kind = $1 AND done_at IS NULL AND failed_at IS NULL`, [EXPIRY_JOB]);
    assert.ok(next && new Date(next.run_at).getTime() > Date.now());
    assert.equal(await pending(), 1);
    assert.equal(await ensureExpiryJob(db), false);
  });
});
