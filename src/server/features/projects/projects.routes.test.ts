import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Role } from '../../lib/auth.ts';
import { type Agent, type TestApp, agentFor, createTestApp, form, formHeaders } from '../../testing/app.ts';
import { buildCluster, buildMembership, buildOrganisation, buildUser } from '../../testing/factories.ts';

describe('projects over HTTP', () => {
  let t: TestApp;
  let orgA: string;
  let orgA2: string;
  let orgB: string;
  let memberA: Agent;
  let adminA2: Agent;
  let memberB: Agent;
  let staffA: Agent;
  let staffB: Agent;
  let visitor: Agent;

  const api = (agent: Agent, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: agent.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  const page = (agent: Agent, url: string) => t.app.inject({ url, headers: { cookie: agent.cookie } });
  const post = (agent: Agent, url: string, fields: Record<string, string>) =>
    t.app.inject({ method: 'POST', url, headers: formHeaders(agent), payload: form({ _csrf: agent.csrf, ...fields }) });
  const project = { programme: 'h2020', reference: '862046', acronym: 'CIRCPACK', title: 'Circular packaging value chain', language: 'en', startDate: '2020-06-01', endDate: '2023-05-31' };

  before(async () => {
    t = await createTestApp();
    const clusterA = await buildCluster(t.db);
    const clusterB = await buildCluster(t.db);
    orgA = (await buildOrganisation(t.db, { legal_name: 'Alfa Imballaggi' })).id;
    orgA2 = (await buildOrganisation(t.db, { legal_name: 'Beta Ricerca' })).id;
    orgB = (await buildOrganisation(t.db, { legal_name: 'Gamma Laboratori' })).id;
    await buildMembership(t.db, clusterA.id, orgA);
    await buildMembership(t.db, clusterA.id, orgA2);
    await buildMembership(t.db, clusterB.id, orgB);
    const user = async (roles: { role: Role; clusterId?: string; organisationId?: string }[]) =>
      agentFor(t.app, (await buildUser(t.db, { roles })).id);
    memberA = await user([{ role: 'member', organisationId: orgA }]);
    adminA2 = await user([{ role: 'org_admin', organisationId: orgA2 }]);
    memberB = await user([{ role: 'member', organisationId: orgB }]);
    staffA = await user([{ role: 'staff', clusterId: clusterA.id }]);
    staffB = await user([{ role: 'staff', clusterId: clusterB.id }]);
    visitor = await agentFor(t.app);
  });
  after(() => t.close());

  test('empty states: the organisation page says no project was declared; the projects page explains how to add one', async () => {
    const publicPage = await page(visitor, `/it/organisations/${orgA}`);
    assert.equal(publicPage.statusCode, 200);
    assert.match(publicPage.body, /<h2[^>]*id="projects-heading"[^>]*>Progetti<\/h2>/);
    assert.match(publicPage.body, /Nessun progetto dichiarato/);
    assert.doesNotMatch(publicPage.body, /Gestisci i progetti/);
    const own = await page(memberA, `/en/organisations/${orgA}`);
    assert.match(own.body, /Manage the projects/);
    const manage = await page(memberA, `/en/organisations/${orgA}/projects`);
    assert.equal(manage.statusCode, 200);
    assert.match(manage.body, /Projects of Alfa Imballaggi/);
    assert.match(manage.body, /No project declared/);
    assert.match(manage.body, /grant agreement number shown on CORDIS/);
    assert.equal((await page(memberB, `/en/organisations/${orgA}/projects`)).statusCode, 403);
    assert.equal((await page(visitor, `/en/organisations/${orgA}/projects`)).statusCode, 302);
  });

  let projectId: string;

  test('JSON: declare, link a second organisation to the same project, duplicate is 409, invalid fields all named', async () => {
    const created = await api(memberA, 'POST', `/organisations/${orgA}/projects`, { ...project, role: 'coordinator' });
    assert.equal(created.statusCode, 201, created.body);
    projectId = created.json().id;
    assert.equal(created.json().linkedToExisting, false);
    const linked = await api(adminA2, 'POST', `/organisations/${orgA2}/projects`, { programme: 'h2020', reference: '862046', acronym: 'X', title: 'Other words' });
    assert.equal(linked.statusCode, 201, linked.body);
    assert.equal(linked.json().id, projectId);
    assert.equal(linked.json().linkedToExisting, true);
    assert.equal(linked.json().acronym, 'CIRCPACK');
    assert.equal(linked.json().role, 'partner');
    const dup = await api(staffA, 'POST', `/organisations/${orgA}/projects`, project);
    assert.equal(dup.statusCode, 409);
    assert.deepEqual(dup.json(), { error: 'duplicate_participation', message: dup.json().message, fields: { reference: 'already_declared' } });
    const bad = await api(memberA, 'POST', `/organisations/${orgA}/projects`, { programme: 'horizon', acronym: '', title: 'T', url: 'not a url', startDate: '2024-02-01', endDate: '2024-01-01', role: 'leader' });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(Object.keys(bad.json().fields).sort(), ['acronym', 'endDate', 'programme', 'role', 'url']);
    assert.equal(bad.json().fields.endDate, 'end_before_start');
    assert.equal(bad.json().fields.url, 'invalid_url');
    // PostgreSQL has no year 0: such a date is named, not a 500
    const yearZero = await api(memberA, 'POST', `/organisations/${orgA}/projects`, { programme: 'h2020', acronym: 'ZERO', title: 'T', startDate: '0000-01-01' });
    assert.equal(yearZero.statusCode, 400, yearZero.body);
    assert.deepEqual(yearZero.json().fields, { startDate: 'invalid_date' });
  });

  test('review: members’ declarations wait in the staff’s queue, hidden from the public; staff validate or reject with a note (JSON and page)', async () => {
    const before = await api(visitor, 'GET', `/organisations/${orgA}/projects`);
    assert.deepEqual(before.json().items, [], 'a claim the staff have not checked is not public');
    assert.equal((await api(visitor, 'GET', `/projects/${projectId}`)).statusCode, 404);
    const own = await page(memberA, `/en/organisations/${orgA}/projects`);
    assert.match(own.body, /data-status="submitted"/);
    assert.match(own.body, /Awaiting validation/);

    const queue = await page(staffA, '/it/staff/projects');
    assert.equal(queue.statusCode, 200);
    assert.match(queue.body, /Progetti da validare/);
    assert.match(queue.body, new RegExp(`data-participation="${orgA}:${projectId}"`));
    assert.match(queue.body, new RegExp(`data-participation="${orgA2}:${projectId}"`));
    assert.match(queue.body, /class="badge nav-count ms-2" data-count="2"/, 'the staff area shows what waits');
    const otherQueue = await page(staffB, '/en/staff/projects');
    assert.doesNotMatch(otherQueue.body, /data-participation=/);
    assert.match(otherQueue.body, /No participation to validate/);
    assert.equal((await page(memberA, '/en/staff/projects')).statusCode, 403);
    assert.equal((await api(staffA, 'GET', '/projects/review-queue')).json().total, 2);

    const url = (org: string) => `/organisations/${org}/projects/${projectId}/review`;
    assert.equal((await api(staffB, 'POST', url(orgA), { decision: 'validated' })).statusCode, 403);
    assert.equal((await api(memberA, 'POST', url(orgA), { decision: 'validated' })).statusCode, 403);
    const noNote = await api(staffA, 'POST', url(orgA), { decision: 'rejected' });
    assert.equal(noNote.statusCode, 400);
    assert.deepEqual(noNote.json().fields, { note: 'required' });
    const pageNoNote = await post(staffA, `/it${url(orgA)}`, { decision: 'rejected', note: '' });
    assert.equal(pageNoNote.statusCode, 400);
    assert.match(pageNoNote.body, /is-invalid/);
    const rejected = await post(staffA, `/it${url(orgA)}`, { decision: 'rejected', note: 'Non risulta tra i partecipanti su CORDIS.' });
    assert.equal(rejected.statusCode, 303);
    assert.equal(rejected.headers.location, '/it/staff/projects?reviewed=rejected');
    const seen = await page(memberA, `/it/organisations/${orgA}/projects`);
    assert.match(seen.body, /data-status="rejected"/);
    assert.match(seen.body, /Motivo: Non risulta tra i partecipanti su CORDIS\./);
    // The organisation sends it back (the rejection is not final); it is in the queue again.
    assert.match(seen.body, /Invia di nuovo allo staff/);
    const again = await post(memberA, `/it/organisations/${orgA}/projects/${projectId}/resubmit`, {});
    assert.equal(again.headers.location, `/it/organisations/${orgA}/projects?done=resubmitted`);
    assert.match((await page(memberA, again.headers.location as string)).body, /data-notice="resubmitted"/);
    assert.equal((await api(memberA, 'POST', `/organisations/${orgA}/projects/${projectId}/resubmit`)).statusCode, 409, 'only a rejected one');
    const twice = await post(memberA, `/it/organisations/${orgA}/projects/${projectId}/resubmit`, {});
    assert.equal(twice.headers.location, `/it/organisations/${orgA}/projects`, 'a second click lands on the list, not on an error');
    const validated = await api(staffA, 'POST', url(orgA), { decision: 'validated' });
    assert.equal(validated.statusCode, 200, validated.body);
    assert.deepEqual(validated.json(), { projectId, organisationId: orgA, status: 'validated', reviewNote: null });
    const byPage = await post(staffA, `/en${url(orgA2)}`, { decision: 'validated', note: '' });
    assert.equal(byPage.statusCode, 303);
    // The same decision sent again from a page read before it was taken: nothing is recorded, the reviewer is told.
    const stale = await post(staffA, `/en${url(orgA2)}`, { decision: 'rejected', note: 'Too late', expectedStatus: 'submitted', projectUpdatedAt: '', page: '1' });
    assert.equal(stale.headers.location, '/en/staff/projects?reviewed=stale');
    assert.match((await page(staffA, stale.headers.location as string)).body, /data-notice="stale"/);
    const done = await page(staffA, byPage.headers.location as string);
    assert.match(done.body, /data-notice="validated"/);
    assert.match(done.body, /No participation to validate/);
    assert.doesNotMatch(done.body, /nav-count/);
  });

  test('JSON: another organisation’s user and another cluster’s staff get 403; a visitor 401; no CSRF token 403', async () => {
    assert.equal((await api(memberB, 'POST', `/organisations/${orgA}/projects`, project)).statusCode, 403);
    assert.equal((await api(staffB, 'POST', `/organisations/${orgA}/projects`, project)).statusCode, 403);
    assert.equal((await api(visitor, 'POST', `/organisations/${orgA}/projects`, project)).statusCode, 401);
    assert.equal((await api(memberB, 'PATCH', `/projects/${projectId}`, { title: 'Hijacked' })).statusCode, 403);
    assert.equal((await api(staffB, 'PATCH', `/projects/${projectId}`, { title: 'Hijacked' })).statusCode, 403);
    assert.equal((await api(memberB, 'DELETE', `/organisations/${orgA}/projects/${projectId}`)).statusCode, 403);
    const noCsrf = await t.app.inject({ method: 'POST', url: `/api/v1/organisations/${orgA}/projects`, headers: { cookie: memberA.cookie }, payload: project });
    assert.equal(noCsrf.statusCode, 403);
    assert.equal(noCsrf.json().error, 'csrf');
  });

  test('JSON: public reads name the participants; PATCH edits the shared details; a bad patch names its fields', async () => {
    const list = await api(visitor, 'GET', `/organisations/${orgA}/projects`);
    assert.equal(list.statusCode, 200);
    assert.deepEqual(list.json().organisation, { id: orgA, name: 'Alfa Imballaggi', isPublic: true });
    assert.deepEqual(list.json().items[0].partners, [{ organisationId: orgA2, name: 'Beta Ricerca', role: 'partner', status: 'validated' }]);
    assert.equal(list.json().items[0].status, 'validated');
    const one = await api(visitor, 'GET', `/projects/${projectId}`);
    assert.equal(one.statusCode, 200);
    assert.deepEqual(one.json().participants.map((p: { name: string }) => p.name), ['Alfa Imballaggi', 'Beta Ricerca']);
    // What the staff validated, members no longer change: they ask the staff.
    const locked = await api(adminA2, 'PATCH', `/projects/${projectId}`, { title: 'Changed after the check' });
    assert.equal(locked.statusCode, 409);
    assert.equal(locked.json().error, 'project_validated');
    const edited = await api(staffA, 'PATCH', `/projects/${projectId}`, { url: 'https://cordis.europa.eu/project/id/862046', summary: 'Recyclable multilayer films.' });
    assert.equal(edited.statusCode, 200, edited.body);
    assert.equal(edited.json().url, 'https://cordis.europa.eu/project/id/862046');
    assert.equal(edited.json().title, 'Circular packaging value chain');
    const bad = await api(staffA, 'PATCH', `/projects/${projectId}`, { endDate: '2019-01-01', language: 'de' });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.json().fields, { language: 'invalid_value' });
    const order = await api(staffA, 'PATCH', `/projects/${projectId}`, { endDate: '2019-01-01' });
    assert.equal(order.statusCode, 400);
    assert.deepEqual(order.json().fields, { endDate: 'end_before_start' });
    assert.equal((await api(visitor, 'GET', `/projects/00000000-0000-4000-8000-000000000000`)).statusCode, 404);
  });

  test('pages: a suspended member’s projects page says its page is not public, and the declaration notice does not promise it', async () => {
    const suspended = (await buildOrganisation(t.db, { legal_name: 'Sospesa Cosmetici' })).id;
    const [cluster] = await t.db.query<{ cluster_id: string }>('SELECT cluster_id FROM membership WHERE organisation_id = $1', [orgA]);
    await buildMembership(t.db, cluster.cluster_id, suspended, { status: 'suspended' });
    const itsAdmin = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'org_admin', organisationId: suspended }] })).id);
    const ok = await post(itsAdmin, `/en/organisations/${suspended}/projects`, { ...project, reference: '101000777', acronym: 'WAITING', summary: '', url: '', role: 'partner' });
    assert.equal(ok.statusCode, 303, ok.body);
    assert.equal(ok.headers.location, `/en/organisations/${suspended}/projects?done=declared`);
    const after = await page(itsAdmin, ok.headers.location as string);
    assert.match(after.body, /data-notice="declared"/);
    assert.match(after.body, /once the organisation is an active member of a cluster/);
    assert.doesNotMatch(after.body, /before it shows on the public page/);
    assert.match(after.body, /data-hint="not-public"/);
    const active = await page(memberA, `/en/organisations/${orgA}/projects?done=declared`);
    assert.match(active.body, /before it shows on the public page/);
    assert.doesNotMatch(active.body, /data-hint="not-public"/);
    // The API says so too.
    assert.equal((await api(itsAdmin, 'GET', `/organisations/${suspended}/projects`)).json().organisation.isPublic, false);
    assert.equal((await api(memberA, 'GET', `/organisations/${orgA}/projects`)).json().organisation.isPublic, true);
  });

  test('pages: the form shows every error beside its field; a declaration redirects and says when it was linked to an existing project', async () => {
    const bad = await post(staffA, `/it/organisations/${orgA}/projects`, { programme: '', reference: '', acronym: '', title: 'Titolo', summary: '', language: 'it', url: 'ftp://x', startDate: '2024-05-01', endDate: '2024-04-01', role: 'partner' });
    assert.equal(bad.statusCode, 400);
    for (const field of ['programme', 'acronym', 'url', 'endDate']) assert.match(bad.body, new RegExp(`data-field="${field}"`), field);
    assert.match(bad.body, /La data di fine precede quella di inizio/);
    assert.match(bad.body, /value="Titolo"/, 'the values typed are kept');

    const ok = await post(staffA, `/it/organisations/${orgA}/projects`, { programme: 'life', reference: 'LIFE19 ENV/IT/000001', acronym: 'LIFE-PACK', title: 'Imballaggi compostabili', summary: '', language: 'it', url: '', startDate: '', endDate: '', role: 'coordinator' });
    assert.equal(ok.statusCode, 303, ok.body);
    assert.equal(ok.headers.location, `/it/organisations/${orgA}/projects?done=declaredValidated`, 'the staff’s own declaration needs no check');
    const linked = await post(memberB, `/en/organisations/${orgB}/projects`, { programme: 'life', reference: 'LIFE19  ENV/IT/000001', acronym: 'Other', title: 'Other', summary: '', language: 'en', url: '', startDate: '', endDate: '', role: 'partner' });
    assert.equal(linked.statusCode, 303, linked.body);
    assert.equal(linked.headers.location, `/en/organisations/${orgB}/projects?done=linked`);
    const after = await page(memberB, linked.headers.location as string);
    assert.match(after.body, /data-notice="linked"/);
    assert.match(after.body, /its details were kept/);
    assert.match(after.body, /LIFE-PACK/);
    assert.match(after.body, /lang="it"/, 'an Italian title on an English page is marked');

    const dup = await post(memberB, `/en/organisations/${orgB}/projects`, { programme: 'life', reference: 'LIFE19 ENV/IT/000001', acronym: 'Other', title: 'Other', summary: '', language: 'en', url: '', startDate: '', endDate: '', role: 'partner' });
    assert.equal(dup.statusCode, 409);
    assert.match(dup.body, /data-field="reference"/);
    assert.match(dup.body, /already declared this project/);
  });

  test('the organisation page lists projects with role, dates, link and the other members that declared them, linked to their pages', async () => {
    const res = await page(visitor, `/en/organisations/${orgA}`);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<h2[^>]*>Projects<\/h2>/);
    assert.match(res.body, /href="https:\/\/cordis\.europa\.eu\/project\/id\/862046"[^>]*>CIRCPACK/);
    assert.match(res.body, /Horizon 2020/);
    assert.match(res.body, /Ref\. 862046/);
    assert.match(res.body, /Coordinator/);
    assert.match(res.body, /1 June 2020/);
    assert.match(res.body, new RegExp(`href="/en/organisations/${orgA2}">Beta Ricerca</a>`));
    assert.doesNotMatch(res.body, /Gamma Laboratori/, 'its claim waits for its own cluster’s staff');
    assert.doesNotMatch(res.body, /No project declared/);
    const lifePack = (await api(visitor, 'GET', `/organisations/${orgA}/projects`)).json().items.find((i: { acronym: string }) => i.acronym === 'LIFE-PACK');
    assert.equal((await post(staffB, `/en/organisations/${orgB}/projects/${lifePack.id}/review`, { decision: 'validated', note: '' })).statusCode, 303);
    const after = await page(visitor, `/en/organisations/${orgA}`);
    assert.match(after.body, new RegExp(`href="/en/organisations/${orgB}">Gamma Laboratori</a>`));
  });

  test('pages: edit a project’s details, then remove participations until the project is gone', async () => {
    const editUrl = `/it/organisations/${orgA2}/projects/${projectId}/edit`;
    assert.equal((await page(memberB, editUrl)).statusCode, 403);
    assert.equal((await page(staffA, `/it/organisations/${orgB}/projects/${projectId}/edit`)).statusCode, 404);
    const own = await page(adminA2, `/it/organisations/${orgA2}/projects`);
    assert.doesNotMatch(own.body, /\/edit"/, 'no edit link on a validated project for members');
    assert.match(own.body, /rivolgiti allo staff del cluster/);
    assert.equal((await page(adminA2, editUrl)).statusCode, 409);
    const form1 = await page(staffA, editUrl);
    assert.equal(form1.statusCode, 200);
    assert.match(form1.body, /value="CIRCPACK"/);
    const fields = { programme: 'h2020', reference: '862046', acronym: 'CIRCPACK', title: 'Circular packaging value chain', summary: '', language: 'en', url: '', startDate: '2020-06-01', endDate: '2023-05-31' };
    const bad = await post(staffA, editUrl, { ...fields, title: '', startDate: '2020-02-30' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /data-field="title"/);
    assert.match(bad.body, /data-field="startDate"/);
    const saved = await post(staffA, editUrl, { ...fields, acronym: 'CIRC-PACK' });
    assert.equal(saved.statusCode, 303, saved.body);
    assert.equal((await api(visitor, 'GET', `/projects/${projectId}`)).json().acronym, 'CIRC-PACK');
    assert.equal((await api(visitor, 'GET', `/projects/${projectId}`)).json().url, null, 'a blank field clears it');

    assert.equal((await post(memberB, `/it/organisations/${orgA}/projects/${projectId}/remove`, {})).statusCode, 403);
    const removed = await post(adminA2, `/it/organisations/${orgA2}/projects/${projectId}/remove`, {});
    assert.equal(removed.statusCode, 303);
    assert.equal(removed.headers.location, `/it/organisations/${orgA2}/projects?done=removed`);
    const del = await api(memberA, 'DELETE', `/organisations/${orgA}/projects/${projectId}`);
    assert.equal(del.statusCode, 200);
    assert.deepEqual(del.json(), { projectDeleted: true });
    assert.equal((await api(visitor, 'GET', `/projects/${projectId}`)).statusCode, 404);
    // The staff's declaration is in their cluster's decision log, named in the reader's language.
    const log = await page(staffA, `/en/audit?subjectType=project`);
    assert.equal(log.statusCode, 200);
    assert.match(log.body, /data-action="project\.declared">Project declared</);
  });
});
