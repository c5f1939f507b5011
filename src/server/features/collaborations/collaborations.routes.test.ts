import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Agent, type TestApp, agentFor, createTestApp, form, formHeaders } from '../../testing/app.ts';
import { buildCluster, buildMembership, buildOrganisation, buildUser } from '../../testing/factories.ts';
import { buildProfile } from './collaborations.testing.ts';

describe('expressions of interest and collaborations over HTTP', () => {
  let t: TestApp;
  let clusterSlug: string;
  let clusterId: string;
  let ownerOrgId: string;
  let thirdOrgId: string;
  let owner: Agent;
  let partner: Agent;
  let twoOrgs: Agent;
  let staff: Agent;
  let otherStaff: Agent;
  let region: Agent;

  before(async () => {
    t = await createTestApp();
    const cluster = await buildCluster(t.db, { name_it: 'Cluster Cosmetica', name_en: 'Cosmetics Cluster' });
    clusterSlug = cluster.slug;
    clusterId = cluster.id;
    const other = await buildCluster(t.db);
    const ownerOrg = await buildOrganisation(t.db, { legal_name: 'Titolare Srl' });
    const partnerOrg = await buildOrganisation(t.db, { legal_name: 'Interessata Spa' });
    const third = await buildOrganisation(t.db, { legal_name: 'Terza Snc' });
    const fourth = await buildOrganisation(t.db, { legal_name: 'Quarta Sas' });
    ownerOrgId = ownerOrg.id;
    thirdOrgId = third.id;
    for (const o of [ownerOrg, partnerOrg, third, fourth]) await buildMembership(t.db, cluster.id, o.id);
    owner = await agentFor(t.app, (await buildUser(t.db, { email: 'titolare@example.org', name: 'Tina Titolare', roles: [{ role: 'org_admin', organisationId: ownerOrg.id }] })).id);
    partner = await agentFor(t.app, (await buildUser(t.db, { email: 'interessata@example.org', name: 'Ivo Interessato', locale: 'en', roles: [{ role: 'member', organisationId: partnerOrg.id }] })).id);
    twoOrgs = await agentFor(
      t.app,
      (
        await buildUser(t.db, {
          roles: [
            { role: 'member', organisationId: third.id },
            { role: 'member', organisationId: fourth.id },
          ],
        })
      ).id,
    );
    staff = await agentFor(t.app, (await buildUser(t.db, { email: 'staff@example.org', roles: [{ role: 'staff', clusterId: cluster.id }] })).id);
    otherStaff = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'staff', clusterId: other.id }] })).id);
    region = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'region' }] })).id);
  });
  after(() => t.close());

  const post = (a: Agent, url: string, payload: unknown) => t.app.inject({ method: 'POST', url, headers: a.headers, payload: payload as object });
  const get = (a: Agent, url: string) => t.app.inject({ url, headers: a.headers });

  test('empty states say what will appear and how', async () => {
    const sent = await t.app.inject({ url: '/en/interests?box=sent', headers: { cookie: twoOrgs.cookie } });
    assert.equal(sent.statusCode, 200);
    assert.match(sent.body, /data-testid="empty"/);
    assert.match(sent.body, /find a profile in the marketplace and use “Express interest”/);
    const received = await t.app.inject({ url: '/it/interests?box=received', headers: { cookie: twoOrgs.cookie } });
    assert.match(received.body, /la manifestazione compare qui/);
    const none = await t.app.inject({ url: '/en/staff/collaborations?stage=nda', headers: { cookie: otherStaff.cookie } });
    assert.equal(none.statusCode, 200);
    assert.match(none.body, /A collaboration opens when a profile’s owner accepts an expression of interest/);
  });

  test('API: express, 400 naming every field, 409 on a second open interest, lists, decline with reason, accept and follow the collaboration', async () => {
    const profile = await buildProfile(t.db, { clusterId, organisationId: ownerOrgId, title_it: 'Conservanti naturali', title_en: 'Natural preservatives' });
    const bad = await post(partner, '/api/v1/interests', { profileId: 'nope', message: '' });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(Object.keys(bad.json().fields).sort(), ['message', 'profileId']);
    const ambiguous = await post(twoOrgs, '/api/v1/interests', { profileId: profile.id, message: 'Interessati' });
    assert.equal(ambiguous.statusCode, 400);
    assert.equal(ambiguous.json().fields.organisationId, 'required');
    // a passed deadline and a missing organisation, named in one answer
    const late = await buildProfile(t.db, { clusterId, organisationId: ownerOrgId, title_it: 'Scaduto', title_en: 'Late' });
    await t.db.query('UPDATE profile SET deadline = current_date - 3 WHERE id = $1', [late.id]);
    const lateAndAmbiguous = await post(twoOrgs, '/api/v1/interests', { profileId: late.id, message: 'Interessati' });
    assert.equal(lateAndAmbiguous.statusCode, 400);
    assert.deepEqual(lateAndAmbiguous.json().fields, { profileId: 'deadline_passed', organisationId: 'required' });

    const res = await post(partner, '/api/v1/interests', { profileId: profile.id, message: 'Vorremmo una licenza' });
    assert.equal(res.statusCode, 201, res.body);
    const interest = res.json();
    assert.equal(interest.owner.name, 'Titolare Srl');
    assert.equal(interest.can.withdraw, true);
    assert.equal(interest.can.decide, false);
    const dup = await post(partner, '/api/v1/interests', { profileId: profile.id, message: 'Ancora' });
    assert.equal(dup.statusCode, 409);
    assert.equal(dup.json().error, 'interest_exists');
    const own = await post(owner, '/api/v1/interests', { profileId: profile.id, message: 'Nostro' });
    assert.equal(own.statusCode, 400);
    assert.equal(own.json().fields.profileId, 'own_profile');

    const received = (await get(owner, '/api/v1/interests?box=received')).json();
    assert.deepEqual(received.items.map((i: { id: string }) => i.id), [interest.id]);
    assert.equal(received.items[0].can.decide, true);
    assert.equal((await get(owner, '/api/v1/interests?box=sent')).json().total, 0);
    assert.equal((await get(partner, '/api/v1/interests?box=sent&status=pending')).json().total, 1);
    assert.equal((await get(otherStaff, `/api/v1/interests/${interest.id}`)).statusCode, 404);
    assert.equal((await get(staff, `/api/v1/interests/${interest.id}`)).statusCode, 200);

    const noReason = await post(owner, `/api/v1/interests/${interest.id}/decision`, { decision: 'decline', reason: 'other', comment: '' });
    assert.equal(noReason.statusCode, 400);
    assert.deepEqual(noReason.json().fields, { comment: 'required' });
    const noDecision = await post(owner, `/api/v1/interests/${interest.id}/decision`, { decision: 'maybe', reason: 'never' });
    assert.deepEqual(Object.keys(noDecision.json().fields).sort(), ['decision', 'reason']);
    assert.equal((await post(partner, `/api/v1/interests/${interest.id}/decision`, { decision: 'accept' })).statusCode, 403);

    const accepted = await post(owner, `/api/v1/interests/${interest.id}/decision`, { decision: 'accept' });
    assert.equal(accepted.statusCode, 200, accepted.body);
    assert.equal(accepted.json().status, 'accepted');
    assert.deepEqual(accepted.json().contacts.interested, [{ name: 'Ivo Interessato', email: 'interessata@example.org' }]);
    const collaborationId = accepted.json().collaborationId;
    assert.equal((await post(owner, `/api/v1/interests/${interest.id}/decision`, { decision: 'accept' })).statusCode, 409);

    const c = await get(partner, `/api/v1/collaborations/${collaborationId}?lang=en`);
    assert.equal(c.statusCode, 200, c.body);
    assert.equal(c.json().profile.title, 'Natural preservatives');
    assert.deepEqual(c.json().owner.contacts, [{ name: 'Tina Titolare', email: 'titolare@example.org' }]);
    const noOutcomeNote = await post(partner, `/api/v1/collaborations/${collaborationId}/events`, { outcome: 'licence' });
    assert.equal(noOutcomeNote.statusCode, 400);
    assert.deepEqual(noOutcomeNote.json().fields, { note: 'required' });
    const nothing = await post(partner, `/api/v1/collaborations/${collaborationId}/events`, { stage: 'moon' });
    assert.equal(nothing.statusCode, 400);
    assert.ok(nothing.json().fields.stage);
    // a bad stage does not hide the missing note: one answer names both
    const both = await post(partner, `/api/v1/collaborations/${collaborationId}/events`, { stage: 'moon', outcome: 'licence' });
    assert.deepEqual(both.json().fields, { stage: 'invalid_value', note: 'required' });
    const moved = await post(partner, `/api/v1/collaborations/${collaborationId}/events`, { stage: 'proposal', note: 'Offerta inviata' });
    assert.equal(moved.statusCode, 200, moved.body);
    assert.equal(moved.json().events.length, 2);
    assert.equal((await get(otherStaff, `/api/v1/collaborations/${collaborationId}`)).statusCode, 404);
    assert.equal((await get(region, `/api/v1/collaborations/${collaborationId}`)).json().canUpdate, false);

    // decline with a reason, e-mailed in English to the English-speaking interested user
    const p2 = await buildProfile(t.db, { clusterId, organisationId: ownerOrgId });
    const i2 = (await post(partner, '/api/v1/interests', { profileId: p2.id, message: 'Altro interesse' })).json();
    // a named profile's owner decides: the staff decide only for an anonymous one, whose owner nobody can reach
    assert.equal((await post(staff, `/api/v1/interests/${i2.id}/decision`, { decision: 'decline', reason: 'too_early' })).statusCode, 403);
    assert.equal((await get(staff, `/api/v1/interests/${i2.id}`)).json().can.decide, false);
    const declined = await post(owner, `/api/v1/interests/${i2.id}/decision`, { decision: 'decline', reason: 'too_early' });
    assert.equal(declined.statusCode, 200, declined.body);
    await t.runJobs();
    const mail = t.mailer.sent.find((m) => m.to === 'interessata@example.org' && /declined/.test(m.subject));
    assert.match(mail?.text ?? '', /Reason: Too early/);
    assert.ok(t.mailer.sent.some((m) => m.to === 'titolare@example.org' && /Nuova manifestazione di interesse/.test(m.subject)));
    assert.ok(t.mailer.sent.some((m) => m.to === 'interessata@example.org' && /accepted: the contacts of Titolare Srl/.test(m.subject)));

    // a third: withdrawn by the interested party
    const p3 = await buildProfile(t.db, { clusterId, organisationId: ownerOrgId });
    const i3 = (await post(twoOrgs, '/api/v1/interests', { profileId: p3.id, message: 'Terzo', organisationId: thirdOrgId })).json();
    assert.equal(i3.interested.name, 'Terza Snc');
    assert.equal((await post(owner, `/api/v1/interests/${i3.id}/withdrawal`, {})).statusCode, 403);
    assert.equal((await post(partner, `/api/v1/interests/${i3.id}/withdrawal`, {})).statusCode, 404);
    const w = await post(twoOrgs, `/api/v1/interests/${i3.id}/withdrawal`, {});
    assert.equal(w.statusCode, 200, w.body);
    assert.equal(w.json().status, 'withdrawn');

    const list = (await get(staff, `/api/v1/collaborations?cluster=${clusterSlug}`)).json();
    assert.equal(list.total, 1);
    assert.equal(list.items[0].stage, 'proposal');
    assert.equal(list.items[0].ageDays, 0);
    assert.equal((await get(staff, '/api/v1/collaborations?cluster=no-such-cluster')).json().fields['query.cluster'], 'invalid');

    const report = await get(staff, `/api/v1/collaborations/report?cluster=${clusterSlug}`);
    assert.equal(report.statusCode, 200, report.body);
    const r = report.json();
    const count = (rows: { key: string; count: number }[], key: string) => rows.find((x) => x.key === key)?.count;
    assert.equal(count(r.stages, 'proposal'), 1);
    assert.equal(count(r.outcomes, 'open'), 1);
    assert.equal(count(r.interests, 'accepted'), 1);
    assert.equal(count(r.interests, 'declined'), 1);
    assert.equal(count(r.interests, 'withdrawn'), 1);
    assert.equal(count(r.declines, 'too_early'), 1);
    const badDates = await get(staff, '/api/v1/collaborations/report?from=2026-02-30&to=yesterday');
    assert.equal(badDates.statusCode, 400);
    assert.deepEqual(Object.keys(badDates.json().fields).sort(), ['query.from', 'query.to']);
    assert.equal((await get(staff, '/api/v1/collaborations/report?from=2026-05-01&to=2026-04-01')).json().fields['query.to'], 'before_from');
    // a year 0 (no such year in PostgreSQL) is an invalid date, not a 500
    const yearZero = await get(staff, '/api/v1/collaborations/report?from=0000-01-01');
    assert.equal(yearZero.statusCode, 400, yearZero.body);
    assert.deepEqual(yearZero.json().fields, { 'query.from': 'invalid_date' });
    assert.equal((await get(otherStaff, `/api/v1/collaborations/report?cluster=${clusterSlug}`)).statusCode, 403);
    const csv = await get(region, `/api/v1/collaborations/report.csv?cluster=${clusterSlug}&lang=en`);
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /text\/csv/);
    assert.match(String(csv.headers['content-disposition']), new RegExp(`filiera-collaborations-${clusterSlug}-`));
    assert.match(csv.body, /Cosmetics Cluster,[0-9-]+,[0-9-]+,Collaborations by stage,proposal,Proposal,1/);
    assert.match(csv.body, /Declines by reason,too_early,Too early,1/);
  });

  test('pages: the interest form, the decision form, the collaboration page, the staff list and report, in Italian and English', async () => {
    const profile = await buildProfile(t.db, { clusterId, organisationId: ownerOrgId, anonymous: true, title_it: 'Packaging compostabile', title_en: 'Compostable packaging' });
    const formPage = await t.app.inject({ url: `/en/marketplace/${profile.id}/interest`, headers: { cookie: partner.cookie } });
    assert.equal(formPage.statusCode, 200);
    assert.match(formPage.body, /Compostable packaging/);
    assert.match(formPage.body, /Anonymous profile/);
    assert.doesNotMatch(formPage.body, /Titolare Srl/);
    assert.match(formPage.body, /name="message"/);
    const visitor = await t.app.inject({ url: `/it/marketplace/${profile.id}/interest` });
    assert.equal(visitor.statusCode, 302);
    assert.match(String(visitor.headers.location), /\/it\/login\?next=/);

    const empty = await t.app.inject({ method: 'POST', url: `/it/marketplace/${profile.id}/interest`, headers: formHeaders(partner), payload: form({ _csrf: partner.csrf, message: '  ' }) });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /data-field="message"/);
    assert.match(empty.body, /Campo obbligatorio/);
    const sentRes = await t.app.inject({
      method: 'POST',
      url: `/it/marketplace/${profile.id}/interest`,
      headers: formHeaders(partner),
      payload: form({ _csrf: partner.csrf, message: 'Vorremmo usarlo per le nostre creme' }),
    });
    assert.equal(sentRes.statusCode, 303, sentRes.body);
    const interestUrl = String(sentRes.headers.location);
    assert.match(interestUrl, /^\/it\/interests\/[0-9a-f-]{36}\?sent=1$/);
    const interestId = interestUrl.split('/')[3].split('?')[0];
    const again = await t.app.inject({ method: 'POST', url: `/it/marketplace/${profile.id}/interest`, headers: formHeaders(partner), payload: form({ _csrf: partner.csrf, message: 'Ancora' }) });
    assert.equal(again.statusCode, 409);
    assert.match(again.body, /ha già una manifestazione di interesse aperta/);

    const mine = await t.app.inject({ url: interestUrl, headers: { cookie: partner.cookie } });
    assert.match(mine.body, /Manifestazione di interesse inviata/);
    assert.match(mine.body, /Profilo anonimo/);
    assert.doesNotMatch(mine.body, /Titolare Srl/);
    assert.match(mine.body, /\/withdraw"/);
    assert.doesNotMatch(mine.body, /\/decision"/);

    const sentList = await t.app.inject({ url: '/en/interests?box=sent', headers: { cookie: partner.cookie } });
    assert.equal(sentList.statusCode, 200);
    assert.match(sentList.body, /Compostable packaging/);
    // the user's own menu leads here
    assert.match(sentList.body, /<nav class="user-menu-panel"[^>]*>.*<a href="\/en\/interests">Expressions of interest<\/a>/);
    const receivedList = await t.app.inject({ url: '/it/interests', headers: { cookie: owner.cookie } });
    assert.match(receivedList.body, /Packaging compostabile/);
    assert.match(receivedList.body, /Interessata Spa/);

    const decisionPage = await t.app.inject({ url: `/it/interests/${interestId}`, headers: { cookie: staff.cookie } });
    assert.match(decisionPage.body, /name="decision"/);
    // who is interested, and in what, are one click away
    assert.match(decisionPage.body, /<a href="\/it\/organisations\/[0-9a-f-]{36}">Interessata Spa<\/a>/);
    assert.match(decisionPage.body, new RegExp(`<a href="/it/marketplace/${profile.id}">Packaging compostabile</a>`));
    assert.match(decisionPage.body, /Abbiamo già un partner/);
    const noReason = await t.app.inject({ method: 'POST', url: `/it/interests/${interestId}/decision`, headers: formHeaders(staff), payload: form({ _csrf: staff.csrf, decision: 'decline', reason: '' }) });
    assert.equal(noReason.statusCode, 400);
    assert.match(noReason.body, /data-field="reason"/);
    const accept = await t.app.inject({ method: 'POST', url: `/it/interests/${interestId}/decision`, headers: formHeaders(staff), payload: form({ _csrf: staff.csrf, decision: 'accept' }) });
    assert.equal(accept.statusCode, 303, accept.body);

    const revealed = await t.app.inject({ url: `/en/interests/${interestId}`, headers: { cookie: partner.cookie } });
    assert.match(revealed.body, /Titolare Srl/);
    assert.match(revealed.body, /titolare@example\.org/);
    const collaborationId = /\/en\/collaborations\/([0-9a-f-]{36})/.exec(revealed.body)?.[1];
    assert.ok(collaborationId);

    const page = await t.app.inject({ url: `/it/collaborations/${collaborationId}`, headers: { cookie: owner.cookie } });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Collaborazione tra Titolare Srl e Interessata Spa/);
    assert.match(page.body, /interessata@example\.org/);
    assert.match(page.body, new RegExp(`<a href="/it/organisations/${ownerOrgId}">Titolare Srl</a>`));
    assert.match(page.body, /Primo contatto/);
    const noNote = await t.app.inject({
      method: 'POST',
      url: `/it/collaborations/${collaborationId}/events`,
      headers: formHeaders(owner),
      payload: form({ _csrf: owner.csrf, stage: '', outcome: 'joint_project', note: '' }),
    });
    assert.equal(noNote.statusCode, 400);
    assert.match(noNote.body, /data-field="note"/);
    const moved = await t.app.inject({
      method: 'POST',
      url: `/it/collaborations/${collaborationId}/events`,
      headers: formHeaders(owner),
      payload: form({ _csrf: owner.csrf, stage: 'project_started', outcome: 'joint_project', note: 'Progetto comune avviato' }),
    });
    assert.equal(moved.statusCode, 303, moved.body);
    const history = await t.app.inject({ url: `/en/collaborations/${collaborationId}`, headers: { cookie: partner.cookie } });
    assert.match(history.body, /Project started/);
    assert.match(history.body, /Joint project/);
    assert.match(history.body, /Progetto comune avviato/);
    assert.equal((await t.app.inject({ url: `/it/collaborations/${collaborationId}`, headers: { cookie: otherStaff.cookie } })).statusCode, 404);

    const staffList = await t.app.inject({ url: `/it/staff/collaborations?cluster=${clusterSlug}`, headers: { cookie: staff.cookie } });
    assert.equal(staffList.statusCode, 200);
    assert.match(staffList.body, /Packaging compostabile/);
    assert.match(staffList.body, /Progetto avviato/);
    assert.match(staffList.body, /0 giorni/);
    // the staff area of the navigation leads here
    assert.match(staffList.body, /<a href="\/it\/staff\/collaborations">Collaborazioni<\/a>/);
    // the way to the interests says what it lists, out of context too
    assert.match(staffList.body, /<a href="\/it\/interests\?box=received">Manifestazioni di interesse per i profili del cluster<\/a>/);
    // the filters left on "All" send empty values: the list, not a 400
    const allFilters = await t.app.inject({ url: `/it/staff/collaborations?cluster=&stage=proposal&outcome=`, headers: { cookie: staff.cookie } });
    assert.equal(allFilters.statusCode, 200, allFilters.body);
    assert.equal((await t.app.inject({ url: '/it/interests?box=received&status=', headers: { cookie: staff.cookie } })).statusCode, 200);
    const staffListEn = await t.app.inject({ url: '/en/staff/collaborations', headers: { cookie: staff.cookie } });
    assert.match(staffListEn.body, /<a href="\/en\/interests\?box=received">Expressions of interest in the cluster’s profiles<\/a>/);
    const reportPage = await t.app.inject({ url: `/en/staff/collaborations/report?cluster=${clusterSlug}`, headers: { cookie: region.cookie } });
    assert.equal(reportPage.statusCode, 200);
    assert.match(reportPage.body, /Collaborations by stage/);
    assert.match(reportPage.body, /data-key="outcome.joint_project">1</);
    assert.match(reportPage.body, /\/api\/v1\/collaborations\/report\.csv\?cluster=/);
    const badReport = await t.app.inject({ url: '/it/staff/collaborations/report?from=2026-13-01', headers: { cookie: staff.cookie } });
    assert.equal(badReport.statusCode, 400);
    assert.match(badReport.body, /data-field="from"/);
    const twice = await t.app.inject({ url: '/it/staff/collaborations/report?from=2026-01-01&from=2026-02-01', headers: { cookie: staff.cookie } });
    assert.equal(twice.statusCode, 400);
    assert.match(twice.body, /data-field="from"/);
    assert.equal((await t.app.inject({ url: '/it/staff/collaborations', headers: { cookie: partner.cookie } })).statusCode, 403);
  });

  test('a profile title written in one language only is marked with that language on the other language’s pages', async () => {
    const italianOnly = await buildProfile(t.db, { clusterId, organisationId: ownerOrgId, title_it: 'Emulsionante a freddo', title_en: null });
    const englishOnly = await buildProfile(t.db, { clusterId, organisationId: ownerOrgId, title_it: null, title_en: 'Cold emulsifier' });
    await t.db.query('UPDATE profile SET summary_en = NULL WHERE id = $1', [italianOnly.id]);
    const page = async (a: Agent, url: string) => {
      const res = await t.app.inject({ url, headers: { cookie: a.cookie } });
      assert.equal(res.statusCode, 200, url);
      return res.body;
    };

    // the form to express interest, in English: the Italian title and summary are marked
    const form = await page(partner, `/en/marketplace/${italianOnly.id}/interest`);
    assert.match(form, /<h2 id="profile-heading" class="h4" lang="it">Emulsionante a freddo<\/h2>/);
    assert.match(form, /<p lang="it">Una tecnologia di prova<\/p>/);

    const it = (await post(partner, '/api/v1/interests?lang=en', { profileId: italianOnly.id, message: 'Interested' })).json();
    assert.deepEqual([it.profile.title, it.profile.titleLang], ['Emulsionante a freddo', 'it']);
    const en = (await post(partner, '/api/v1/interests', { profileId: englishOnly.id, message: 'Interested' })).json();

    // the list and the interest's own page, in English
    const sent = await page(partner, '/en/interests?box=sent');
    assert.match(sent, new RegExp(`href="/en/interests/${it.id}" lang="it">Emulsionante a freddo</a>`));
    assert.match(sent, new RegExp(`href="/en/interests/${en.id}">Cold emulsifier</a>`), 'a title in the page’s language carries no lang');
    const interestPage = await page(partner, `/en/interests/${it.id}`);
    assert.match(interestPage, /<h1>Interest in “<span lang="it">Emulsionante a freddo<\/span>”<\/h1>/);
    assert.match(interestPage, /<span aria-current="page" lang="it">Emulsionante a freddo<\/span>/);
    assert.match(interestPage, new RegExp(`href="/en/marketplace/${italianOnly.id}" lang="it">Emulsionante a freddo</a>`));
    // and the reverse: an English title on the owner's Italian pages
    const received = await page(owner, `/it/interests/${en.id}`);
    assert.match(received, /<h1>Interesse per «<span lang="en">Cold emulsifier<\/span>»<\/h1>/);

    // the collaboration, in English for the partner; in Italian, on the staff's list, the Italian title is unmarked
    const accepted = (await post(owner, `/api/v1/interests/${it.id}/decision`, { decision: 'accept' })).json();
    assert.match(await page(partner, `/en/collaborations/${accepted.collaborationId}`), new RegExp(`href="/en/marketplace/${italianOnly.id}" lang="it">Emulsionante a freddo</a>`));
    assert.match(await page(staff, '/it/staff/collaborations'), new RegExp(`href="/it/collaborations/${accepted.collaborationId}">Emulsionante a freddo</a>`));
    assert.match(await page(region, '/en/staff/collaborations'), new RegExp(`href="/en/collaborations/${accepted.collaborationId}" lang="it">Emulsionante a freddo</a>`));
  });
});
