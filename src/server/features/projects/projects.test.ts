import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../db/db.ts';
import { type Actor, type Role, actorFromSession, createSession } from '../../lib/auth.ts';
import { AppError } from '../../lib/errors.ts';
import { createTestDb } from '../../testing/db.ts';
import { buildCluster, buildMembership, buildOrganisation, buildUser } from '../../testing/factories.ts';
import { DeclarationIn, ReviewIn } from './projects.schemas.ts';
import {
  declareProject,
  getProject,
  listOrganisationProjects,
  queueCount,
  removeParticipation,
  resubmitParticipation,
  reviewParticipation,
  reviewQueue,
  updateProject,
} from './projects.ts';

describe('projects (domain)', () => {
  let db: Db;
  let clusterA: string;
  let clusterB: string;
  let orgA: string;
  let orgA2: string;
  let orgB: string;
  let memberA: Actor;
  let adminA2: Actor;
  let memberB: Actor;
  let staffA: Actor;
  let staffB: Actor;
  let platformAdmin: Actor;
  let region: Actor;

  const actor = async (roles: { role: Role; clusterId?: string; organisationId?: string }[]) => {
    const u = await buildUser(db, { roles });
    return (await actorFromSession(db, await createSession(db, u.id))) as Actor;
  };
  const data = (o: Record<string, unknown> = {}) => DeclarationIn.parse({ programme: 'horizon_europe', acronym: 'GREENPACK', title: 'Bio-based packaging', ...o });
  const publicUrl = 'https://filiera.example.org/';
  let seq = 0;
  const ref = () => `${101000000 + ++seq}`;
  const rejects = async (p: Promise<unknown>, status: number, fields?: Record<string, string>) => {
    await assert.rejects(p, (err: unknown) => {
      assert.ok(err instanceof AppError, String(err));
      assert.equal(err.status, status, `${err.code} ${err.message}`);
      if (fields) assert.deepEqual(err.fields, fields);
      return true;
    });
  };
  const validate = (by: Actor, organisationId: string, projectId: string) =>
    reviewParticipation(db, by, { organisationId, projectId, review: ReviewIn.parse({ decision: 'validated' }), publicUrl });
  const audit = (subjectId: string) =>
    db.query<{ action: string; actor_user_id: string; cluster_id: string | null; before: unknown; after: unknown }>(
      `SELECT action, actor_user_id, cluster_id, before, after FROM audit_event WHERE subject_type = 'project' AND subject_id = $1 ORDER BY id`,
      [subjectId],
    );

  before(async () => {
    db = await createTestDb();
    clusterA = (await buildCluster(db)).id;
    clusterB = (await buildCluster(db)).id;
    orgA = (await buildOrganisation(db, { legal_name: 'Alfa Imballaggi' })).id;
    orgA2 = (await buildOrganisation(db, { legal_name: 'Beta Ricerca' })).id;
    orgB = (await buildOrganisation(db, { legal_name: 'Gamma Laboratori' })).id;
    await buildMembership(db, clusterA, orgA);
    await buildMembership(db, clusterA, orgA2);
    await buildMembership(db, clusterB, orgB);
    memberA = await actor([{ role: 'member', organisationId: orgA }]);
    adminA2 = await actor([{ role: 'org_admin', organisationId: orgA2 }]);
    memberB = await actor([{ role: 'member', organisationId: orgB }]);
    staffA = await actor([{ role: 'staff', clusterId: clusterA }]);
    staffB = await actor([{ role: 'staff', clusterId: clusterB }]);
    platformAdmin = await actor([{ role: 'platform_admin' }]);
    region = await actor([{ role: 'region' }]);
  });
  after(() => db.close());

  test('a second organisation declaring the same programme and reference is linked to the same project; its details are kept', async () => {
    const reference = ref();
    const first = await declareProject(db, memberA, { publicUrl, organisationId: orgA, data: data({ reference, role: 'coordinator', startDate: '2023-01-01', endDate: '2026-12-31' }) });
    assert.equal(first.linkedToExisting, false);
    assert.equal(first.role, 'coordinator');
    const second = await declareProject(db, adminA2, { publicUrl, organisationId: orgA2, data: data({ reference: ` ${reference} `, acronym: 'OTHER', title: 'Another title', role: 'partner' }) });
    assert.equal(second.linkedToExisting, true);
    assert.equal(second.id, first.id);
    assert.equal(second.acronym, 'GREENPACK');
    assert.equal(second.title, 'Bio-based packaging');
    // The first declaration is still a claim the staff have not checked: the second organisation does not see it.
    assert.deepEqual(second.partners, []);
    await validate(staffA, orgA, first.id);
    await validate(staffA, orgA2, first.id);
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM project WHERE programme = $1 AND reference = $2', ['horizon_europe', reference]);
    assert.equal(n, 1);
    // The same reference in another programme is another project.
    const other = await declareProject(db, memberA, { publicUrl, organisationId: orgA, data: data({ reference, programme: 'life' }) });
    assert.notEqual(other.id, first.id);
    // Without a reference nothing can be matched: each declaration is its own project.
    const a = await declareProject(db, memberA, { publicUrl, organisationId: orgA, data: data() });
    const b = await declareProject(db, adminA2, { publicUrl, organisationId: orgA2, data: data() });
    assert.notEqual(a.id, b.id);

    const listA = await listOrganisationProjects(db, null, orgA);
    const item = listA.items.find((i) => i.id === first.id);
    assert.deepEqual(item?.partners, [{ organisationId: orgA2, name: 'Beta Ricerca', role: 'partner', status: 'validated' }]);
    assert.equal(item?.startDate, '2023-01-01');
    const entries = await audit(first.id);
    assert.deepEqual(entries.map((e) => e.action), ['project.declared', 'project.linked', 'project.participation_validated', 'project.participation_validated']);
    assert.equal(entries[0].actor_user_id, memberA.userId);
    assert.equal((entries[1].after as { organisationId: string }).organisationId, orgA2);
  });

  test('declaring the same project twice for one organisation is a 409 naming the reference, and writes nothing', async () => {
    const reference = ref();
    const p = await declareProject(db, memberA, { publicUrl, organisationId: orgA, data: data({ reference }) });
    await rejects(declareProject(db, staffA, { publicUrl, organisationId: orgA, data: data({ reference }) }), 409, { reference: 'already_declared' });
    assert.equal((await audit(p.id)).length, 1);
  });

  test('who may declare: the organisation’s users, its cluster’s staff, platform admins; not another organisation’s user nor another cluster’s staff', async () => {
    await rejects(declareProject(db, memberB, { publicUrl, organisationId: orgA, data: data({ reference: ref() }) }), 403);
    await rejects(declareProject(db, staffB, { publicUrl, organisationId: orgA, data: data({ reference: ref() }) }), 403);
    await rejects(declareProject(db, region, { publicUrl, organisationId: orgA, data: data({ reference: ref() }) }), 403);
    await rejects(declareProject(db, null, { publicUrl, organisationId: orgA, data: data({ reference: ref() }) }), 401);
    const byStaff = await declareProject(db, staffA, { publicUrl, organisationId: orgA, data: data({ reference: ref() }) });
    const [entry] = await audit(byStaff.id);
    assert.equal(entry.cluster_id, clusterA, 'the staff acted for their cluster');
    const byAdmin = await declareProject(db, platformAdmin, { publicUrl, organisationId: orgB, data: data({ reference: ref() }) });
    assert.equal(byAdmin.role, 'partner');
    assert.equal((await audit(byAdmin.id))[0].cluster_id, null);
  });

  test('validation names every invalid field at once', () => {
    const r = DeclarationIn.safeParse({ programme: 'horizon_2030', acronym: '', title: 'x'.repeat(401), url: 'ftp://example.org', startDate: '2024-05-01', endDate: '2023-12-31', role: 'boss', language: 'fr' });
    assert.equal(r.success, false);
    const fields = Object.fromEntries((r.error?.issues ?? []).map((i) => [i.path.join('.'), i.code]));
    assert.deepEqual(Object.keys(fields).sort(), ['acronym', 'endDate', 'language', 'programme', 'role', 'title', 'url']);
    assert.equal(DeclarationIn.safeParse({ programme: 'life', acronym: 'A', title: 'T', startDate: '2026-02-30' }).success, false);
    const ok = DeclarationIn.parse({ programme: 'life', acronym: ' A ', title: 'T', url: 'HTTPS://example.org/p', reference: ' LIFE20  ENV/IT/000123 ', startDate: '', endDate: '' });
    assert.equal(ok.url, 'https://example.org/p');
    assert.equal(ok.reference, 'LIFE20 ENV/IT/000123');
    assert.equal(ok.startDate, null);
  });

  test('editing details: users of any participant and their clusters’ staff; others get 404 before validation, 403 after; members no longer once validated; audited with before and after', async () => {
    const reference = ref();
    const p = await declareProject(db, memberA, { publicUrl, organisationId: orgA, data: data({ reference }) });
    // An unchecked claim is invisible to outsiders.
    await rejects(updateProject(db, memberB, { projectId: p.id, patch: { title: 'Hijacked' } }), 404);
    await rejects(updateProject(db, staffB, { projectId: p.id, patch: { title: 'Hijacked' } }), 404);
    await rejects(updateProject(db, adminA2, { projectId: p.id, patch: { title: 'Not yet a participant' } }), 404);
    await declareProject(db, adminA2, { publicUrl, organisationId: orgA2, data: data({ reference }) });
    const edited = await updateProject(db, adminA2, { projectId: p.id, patch: { title: 'Bio-based packaging for cosmetics', url: 'https://example.org/greenpack' } });
    assert.equal(edited.title, 'Bio-based packaging for cosmetics');
    assert.equal(edited.acronym, 'GREENPACK');
    assert.equal((await updateProject(db, staffA, { projectId: p.id, patch: { summary: 'Staff fixed the summary.' } })).summary, 'Staff fixed the summary.');
    assert.equal((await updateProject(db, platformAdmin, { projectId: p.id, patch: { url: null } })).url, null);
    // End before start after merging with the stored dates.
    await updateProject(db, memberA, { projectId: p.id, patch: { startDate: '2024-01-01' } });
    await rejects(updateProject(db, memberA, { projectId: p.id, patch: { endDate: '2023-06-30' } }), 400, { endDate: 'end_before_start' });
    // Moving onto another project's programme and reference is a conflict.
    const taken = ref();
    await declareProject(db, memberA, { publicUrl, organisationId: orgA, data: data({ reference: taken }) });
    await rejects(updateProject(db, memberA, { projectId: p.id, patch: { reference: taken } }), 409, { reference: 'taken' });
    // Once the staff have validated a participation, members may no longer change what was checked; the staff may.
    await validate(staffA, orgA, p.id);
    await rejects(updateProject(db, memberB, { projectId: p.id, patch: { title: 'Hijacked' } }), 403);
    await rejects(updateProject(db, memberA, { projectId: p.id, patch: { title: 'Changed after the check' } }), 409);
    await rejects(updateProject(db, adminA2, { projectId: p.id, patch: { title: 'Changed after the check' } }), 409);
    assert.equal((await updateProject(db, staffA, { projectId: p.id, patch: { title: 'Bio-based packaging (staff)' } })).title, 'Bio-based packaging (staff)');
    const entries = (await audit(p.id)).filter((e) => e.action === 'project.updated');
    assert.equal(entries.length, 5);
    assert.equal((entries[0].before as { title: string }).title, 'Bio-based packaging');
    assert.equal((entries[0].after as { title: string }).title, 'Bio-based packaging for cosmetics');
  });

  test('removing a participation: only for that organisation’s people; the last one deletes the project', async () => {
    const reference = ref();
    const p = await declareProject(db, memberA, { publicUrl, organisationId: orgA, data: data({ reference }) });
    await declareProject(db, staffB, { publicUrl, organisationId: orgB, data: data({ reference }) });
    await rejects(removeParticipation(db, memberB, { organisationId: orgA, projectId: p.id }), 403);
    await rejects(removeParticipation(db, staffB, { organisationId: orgA, projectId: p.id }), 403);
    await rejects(removeParticipation(db, adminA2, { organisationId: orgA2, projectId: p.id }), 404, undefined);
    assert.deepEqual(await removeParticipation(db, staffA, { organisationId: orgA, projectId: p.id }), { projectDeleted: false });
    assert.deepEqual((await getProject(db, null, p.id)).participants.map((x) => x.organisationId), [orgB]);
    assert.deepEqual(await removeParticipation(db, memberB, { organisationId: orgB, projectId: p.id }), { projectDeleted: true });
    assert.equal((await db.query('SELECT 1 FROM project WHERE id = $1', [p.id])).length, 0);
    await rejects(getProject(db, null, p.id), 404);
    const actions = (await audit(p.id)).map((e) => e.action);
    assert.deepEqual(actions.sort(), ['project.declared', 'project.deleted', 'project.linked', 'project.participation_removed', 'project.participation_removed'].sort());
  });

  test('an organisation without an active membership: its projects and its name stay hidden from the public', async () => {
    const former = await buildOrganisation(db, { legal_name: 'Delta Dismessa' });
    await buildMembership(db, clusterA, former.id, { status: 'withdrawn' });
    const reference = ref();
    const p = await declareProject(db, memberA, { publicUrl, organisationId: orgA, data: data({ reference }) });
    await validate(staffA, orgA, p.id);
    await declareProject(db, platformAdmin, { publicUrl, organisationId: former.id, data: data({ reference }) });
    await rejects(listOrganisationProjects(db, null, former.id), 404);
    assert.deepEqual((await listOrganisationProjects(db, null, orgA)).items.find((i) => i.id === p.id)?.partners, []);
    assert.equal((await listOrganisationProjects(db, region, orgA)).items.find((i) => i.id === p.id)?.partners.length, 1);
    // Staff of the cluster it withdrew from no longer look after it.
    await rejects(declareProject(db, staffA, { publicUrl, organisationId: former.id, data: data({ reference: ref() }) }), 403);
  });

  test('a suspended member: its declaration waits, and the validation e-mail promises no public page it does not have', async () => {
    const suspended = await buildOrganisation(db, { legal_name: 'Sospesa Cosmetici' });
    await buildMembership(db, clusterA, suspended.id, { status: 'suspended' });
    const itsUser = await actor([{ role: 'org_admin', organisationId: suspended.id }]);
    const p = await declareProject(db, itsUser, { publicUrl, organisationId: suspended.id, data: data({ reference: ref(), acronym: 'SUSPENDED' }) });
    assert.equal(p.status, 'submitted');
    const own = await listOrganisationProjects(db, itsUser, suspended.id);
    assert.equal(own.organisation.isPublic, false);
    assert.equal((await listOrganisationProjects(db, memberA, orgA)).organisation.isPublic, true);
    // Only the staff of an active membership review; a platform admin still may.
    await rejects(validate(staffA, suspended.id, p.id), 403);
    await validate(platformAdmin, suspended.id, p.id);
    const templates = await db.query<{ template: string }>(
      "SELECT payload->>'template' AS template FROM job WHERE kind = 'email' AND payload->'params'->>'acronym' = 'SUSPENDED' ORDER BY id",
    );
    assert.deepEqual(templates.map((r) => r.template), ['projects.email.validatedNotPublic']);
    await rejects(listOrganisationProjects(db, null, suspended.id), 404);
    // Once validated for a public member, the usual e-mail.
    const q = await declareProject(db, memberA, { publicUrl, organisationId: orgA, data: data({ reference: ref(), acronym: 'ACTIVEORG' }) });
    await validate(staffA, orgA, q.id);
    const activeTemplates = await db.query<{ template: string }>(
      "SELECT DISTINCT payload->>'template' AS template FROM job WHERE kind = 'email' AND payload->'params'->>'acronym' = 'ACTIVEORG' AND payload->>'template' LIKE 'projects.email.validated%'",
    );
    assert.deepEqual(activeTemplates.map((r) => r.template), ['projects.email.validated']);
  });

  test('a member’s declaration waits for the staff; the staff’s and platform admins’ are validated at once; the public sees only validated ones', async () => {
    const byMember = await declareProject(db, memberA, { publicUrl, organisationId: orgA, data: data({ reference: ref() }) });
    assert.equal(byMember.status, 'submitted');
    assert.equal(((await audit(byMember.id))[0].after as { status: string }).status, 'submitted');
    const byStaff = await declareProject(db, staffA, { publicUrl, organisationId: orgA, data: data({ reference: ref() }) });
    assert.equal(byStaff.status, 'validated');
    const byAdmin = await declareProject(db, platformAdmin, { publicUrl, organisationId: orgA, data: data({ reference: ref() }) });
    assert.equal(byAdmin.status, 'validated');
    const publicIds = (await listOrganisationProjects(db, null, orgA)).items.map((i) => i.id);
    assert.ok(!publicIds.includes(byMember.id), 'a claim the staff have not checked is not public');
    assert.ok(publicIds.includes(byStaff.id) && publicIds.includes(byAdmin.id));
    await rejects(getProject(db, null, byMember.id), 404);
    assert.ok(!(await listOrganisationProjects(db, memberB, orgA)).items.some((i) => i.id === byMember.id), 'nor to another organisation');
    const own = (await listOrganisationProjects(db, memberA, orgA)).items.find((i) => i.id === byMember.id);
    assert.equal(own?.status, 'submitted', 'the organisation sees its own claim and where it stands');
    assert.equal((await getProject(db, staffA, byMember.id)).participants[0].status, 'submitted');
  });

  test('staff review: validate or reject with a note, only for their clusters’ organisations; audited; the note is for the organisation', async () => {
    const p = await declareProject(db, memberA, { publicUrl, organisationId: orgA, data: data({ reference: ref() }) });
    const review = (by: Actor | null, decision: string, note?: string) =>
      reviewParticipation(db, by, { organisationId: orgA, projectId: p.id, review: ReviewIn.parse({ decision, note }), publicUrl });
    await rejects(review(staffB, 'validated'), 403);
    await rejects(review(memberA, 'validated'), 403);
    await rejects(review(region, 'validated'), 403);
    await rejects(review(null, 'validated'), 401);
    await rejects(reviewParticipation(db, staffA, { organisationId: orgA2, projectId: p.id, review: ReviewIn.parse({ decision: 'validated' }), publicUrl }), 404);
    assert.equal(ReviewIn.safeParse({ decision: 'rejected', note: '  ' }).success, false, 'a rejection needs a note');
    assert.equal(ReviewIn.safeParse({ decision: 'maybe' }).success, false);

    const rejected = await review(staffA, 'rejected', 'Not among the participants listed on CORDIS.');
    assert.deepEqual(rejected, { projectId: p.id, organisationId: orgA, status: 'rejected', reviewNote: 'Not among the participants listed on CORDIS.' });
    // The organisation's users are told, with the note and the way back to their projects page.
    const mails = await db.query<{ payload: { to: string; template: string; params: Record<string, string> } }>(
      "SELECT payload FROM job WHERE kind = 'email' AND payload->>'template' = 'projects.email.rejected' AND payload->'params'->>'link' LIKE $1",
      [`%/organisations/${orgA}/projects`],
    );
    const [memberAUser] = await db.query<{ email: string }>('SELECT email FROM app_user WHERE id = $1', [memberA.userId]);
    const mail = mails.find((m) => m.payload.to === memberAUser.email);
    assert.ok(mail, 'the member was e-mailed');
    assert.equal(mail.payload.params.note, 'Not among the participants listed on CORDIS.');
    assert.match(mail.payload.params.link, /^https:\/\/filiera\.example\.org\/(it|en)\/organisations\//);
    const own = (await listOrganisationProjects(db, memberA, orgA)).items.find((i) => i.id === p.id);
    assert.equal(own?.status, 'rejected');
    assert.equal(own?.reviewNote, 'Not among the participants listed on CORDIS.');
    assert.ok(!(await listOrganisationProjects(db, null, orgA)).items.some((i) => i.id === p.id));
    assert.equal((await review(platformAdmin, 'validated')).status, 'validated');
    const publicItem = (await listOrganisationProjects(db, null, orgA)).items.find((i) => i.id === p.id);
    assert.equal(publicItem?.status, 'validated');
    assert.equal(publicItem?.reviewNote, null, 'review notes are not for the public');

    const entries = (await audit(p.id)).filter((e) => e.action.startsWith('project.participation_'));
    assert.deepEqual(entries.map((e) => e.action), ['project.participation_rejected', 'project.participation_validated']);
    assert.equal(entries[0].cluster_id, clusterA);
    assert.deepEqual(entries[0].before, { organisationId: orgA, status: 'submitted' });
    assert.deepEqual(entries[0].after, { organisationId: orgA, status: 'rejected', note: 'Not among the participants listed on CORDIS.' });
    assert.equal(entries[1].cluster_id, clusterA, 'a platform admin’s decision reaches the cluster’s log');

    // A decision on what the reviewer did not read is refused: someone decided meanwhile, or the project changed.
    const q = await declareProject(db, memberA, { publicUrl, organisationId: orgA, data: data({ reference: ref() }) });
    const read = (await reviewQueue(db, staffA, { page: 1, pageSize: 200 })).items.find((i) => i.id === q.id);
    assert.ok(read);
    const decide = (by: Actor, decision: string) =>
      reviewParticipation(db, by, { organisationId: orgA, projectId: q.id, review: ReviewIn.parse({ decision, note: 'x', expectedStatus: 'submitted', projectUpdatedAt: read.updatedAt }), publicUrl });
    await updateProject(db, memberA, { projectId: q.id, patch: { title: 'Changed while the staff were reading' } });
    await rejects(decide(staffA, 'validated'), 409);
    const fresh = (await reviewQueue(db, staffA, { page: 1, pageSize: 200 })).items.find((i) => i.id === q.id);
    const decideFresh = (by: Actor, decision: string) =>
      reviewParticipation(db, by, { organisationId: orgA, projectId: q.id, review: ReviewIn.parse({ decision, note: 'x', expectedStatus: 'submitted', projectUpdatedAt: fresh?.updatedAt }), publicUrl });
    assert.equal((await decideFresh(platformAdmin, 'rejected')).status, 'rejected');
    await assert.rejects(decideFresh(staffA, 'validated'), (err: unknown) => err instanceof AppError && err.code === 'already_reviewed');
    assert.equal((await listOrganisationProjects(db, memberA, orgA)).items.find((i) => i.id === q.id)?.status, 'rejected', 'the first decision stands');
  });

  test('the queue: submitted participations of the clusters the reader staffs, oldest first; platform admins see all; counted for the navigation', async () => {
    const queued = async (by: Actor) => (await reviewQueue(db, by, { page: 1, pageSize: 200 })).items.map((i) => `${i.organisationId}:${i.id}`);
    const a = await declareProject(db, memberA, { publicUrl, organisationId: orgA, data: data({ reference: ref(), acronym: 'QUEUEA' }) });
    const b = await declareProject(db, memberB, { publicUrl, organisationId: orgB, data: data({ reference: ref(), acronym: 'QUEUEB' }) });
    const seenByA = await queued(staffA);
    assert.ok(seenByA.includes(`${orgA}:${a.id}`));
    assert.ok(!seenByA.includes(`${orgB}:${b.id}`), 'another cluster’s declarations are not in the queue');
    assert.ok((await queued(staffB)).includes(`${orgB}:${b.id}`));
    const all = await queued(platformAdmin);
    assert.ok(all.includes(`${orgA}:${a.id}`) && all.includes(`${orgB}:${b.id}`));
    assert.ok(all.indexOf(`${orgA}:${a.id}`) < all.indexOf(`${orgB}:${b.id}`), 'oldest first');
    const item = (await reviewQueue(db, staffA, { page: 1, pageSize: 200 })).items.find((i) => i.id === a.id);
    assert.equal(item?.acronym, 'QUEUEA');
    assert.equal(item?.organisationName, 'Alfa Imballaggi');
    const before = (await queueCount(db, staffA)) as number;
    assert.equal(before, seenByA.length);
    await validate(staffA, orgA, a.id);
    assert.equal(await queueCount(db, staffA), before - 1);
    assert.ok(!(await queued(staffA)).includes(`${orgA}:${a.id}`));
    assert.equal(await queueCount(db, memberA), null, 'members have no queue');
    assert.equal(await queueCount(db, region), null);
    const page = await reviewQueue(db, platformAdmin, { page: 1, pageSize: 1 });
    assert.equal(page.items.length, 1);
    assert.ok(page.total >= 2);
  });

  test('the staff are e-mailed a member’s declaration; after a rejection the organisation sends it back, and it returns to the queue', async () => {
    const mailsTo = async (template: string, projectAcronym: string) =>
      (await db.query<{ payload: { to: string; params: Record<string, string> } }>(
        "SELECT payload FROM job WHERE kind = 'email' AND payload->>'template' = $1 AND payload->'params'->>'acronym' = $2 ORDER BY id",
        [template, projectAcronym],
      )).map((r) => r.payload);
    const email = async (a: Actor) => (await db.query<{ email: string }>('SELECT email FROM app_user WHERE id = $1', [a.userId]))[0].email;
    const p = await declareProject(db, memberA, { publicUrl, organisationId: orgA, data: data({ reference: ref(), acronym: 'RESEND' }) });
    const first = await mailsTo('projects.email.submitted', 'RESEND');
    assert.deepEqual(first.map((m) => m.to), [await email(staffA)], 'the staff of its cluster, not another cluster’s');
    assert.match(first[0].params.link, /\/staff\/projects$/);
    await declareProject(db, staffA, { publicUrl, organisationId: orgA2, data: data({ reference: ref(), acronym: 'BYSTAFF' }) });
    assert.deepEqual(await mailsTo('projects.email.submitted', 'BYSTAFF'), [], 'nothing to review, nobody to tell');

    const resubmit = (by: Actor) => resubmitParticipation(db, by, { publicUrl, organisationId: orgA, projectId: p.id });
    await rejects(resubmit(memberA), 409);
    await reviewParticipation(db, staffA, { publicUrl, organisationId: orgA, projectId: p.id, review: ReviewIn.parse({ decision: 'rejected', note: 'Wrong grant number.' }) });
    await rejects(resubmit(memberB), 403);
    assert.deepEqual(await resubmit(memberA), { projectId: p.id, organisationId: orgA, status: 'submitted' });
    const own = (await listOrganisationProjects(db, memberA, orgA)).items.find((i) => i.id === p.id);
    assert.equal(own?.status, 'submitted');
    assert.equal(own?.reviewNote, null, 'the old note is in the log, not on the page');
    assert.ok((await reviewQueue(db, staffA, { page: 1, pageSize: 200 })).items.some((i) => i.id === p.id));
    assert.equal((await mailsTo('projects.email.submitted', 'RESEND')).length, 2);
    const actions = (await audit(p.id)).map((e) => e.action);
    assert.deepEqual(actions, ['project.declared', 'project.participation_rejected', 'project.participation_resubmitted']);
  });
});
