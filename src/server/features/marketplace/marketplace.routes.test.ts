import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Agent, type TestApp, agentFor, createTestApp, form, formHeaders } from '../../testing/app.ts';
import { buildCluster, buildMembership, buildOrganisation, buildUser } from '../../testing/factories.ts';

describe('marketplace (HTTP)', () => {
  let t: TestApp;
  let owner: Agent;
  let peer: Agent;
  let staff: Agent;
  let otherStaff: Agent;
  let region: Agent;
  let visitor: Agent;
  let orgName: string;
  let clusterSlug: string;
  let otherSlug: string;

  before(async () => {
    t = await createTestApp();
    const cluster = await buildCluster(t.db);
    const cluster2 = await buildCluster(t.db);
    clusterSlug = cluster.slug;
    otherSlug = cluster2.slug;
    const org = await buildOrganisation(t.db, { legal_name: 'Cosmesi Nascosta Spa' });
    orgName = org.legal_name;
    await buildMembership(t.db, cluster.id, org.id);
    const peerOrg = await buildOrganisation(t.db);
    await buildMembership(t.db, cluster.id, peerOrg.id);
    owner = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'org_admin', organisationId: org.id }] })).id);
    peer = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'member', organisationId: peerOrg.id }] })).id);
    staff = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'staff', clusterId: cluster.id }] })).id);
    otherStaff = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'staff', clusterId: cluster2.id }] })).id);
    region = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'region' }] })).id);
    visitor = await agentFor(t.app);
  });
  after(() => t.close());

  const api = (a: Agent, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: a.headers, ...(payload !== undefined ? { payload: payload as object } : {}) });
  const page = (a: Agent, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: a.cookie } });
  const post = (a: Agent, url: string, fields: Record<string, string | string[]>) =>
    t.app.inject({ method: 'POST', url, headers: formHeaders(a), payload: form({ _csrf: a.csrf, ...fields }) });

  test('the public list explains its empty state, in both languages, and the navigation links it', async () => {
    const it = await page(visitor, '/it/marketplace');
    assert.equal(it.statusCode, 200);
    assert.match(it.body, /Non ci sono ancora profili pubblicati/);
    assert.match(it.body, /href="\/it\/marketplace"/);
    const en = await page(visitor, '/en/marketplace?type=lab_service');
    assert.match(en.body, /No published profile matches the filters chosen/);
    const bad = await page(visitor, '/it/marketplace?concept=no.such.concept');
    assert.equal(bad.statusCode, 400);
    const badCluster = await api(visitor, 'GET', '/profiles?cluster=no-such-cluster&concept=no.such');
    assert.equal(badCluster.statusCode, 400);
    assert.deepEqual(Object.keys(badCluster.json().fields).sort(), ['query.cluster', 'query.concept']);
    // two clusters: the list offers a cluster filter
    assert.match(it.body, /name="cluster"/);
  });

  test('API: every invalid field in one 400; a visitor cannot write; drafts stay private', async () => {
    const anon = await api(visitor, 'POST', '/profiles', { type: 'technology_offer', titleIt: 'X' });
    assert.equal(anon.statusCode, 401);
    const bad = await api(owner, 'POST', '/profiles', { type: 'nope', trl: 0, conceptIds: ['zzz'], atecoCodes: ['00.00'], partnerCategories: ['alien'] });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(Object.keys(bad.json().fields).sort(), ['atecoCodes.0', 'conceptIds.0', 'partnerCategories.0', 'titleEn', 'titleIt', 'trl', 'type']);
    // a validity beyond 12 months is named, not cut silently at publication
    const day = (years: number, days = 0) => {
      const d = new Date();
      d.setUTCFullYear(d.getUTCFullYear() + years);
      d.setUTCDate(d.getUTCDate() + days);
      return d.toISOString().slice(0, 10);
    };
    const tooLong = await api(owner, 'POST', '/profiles', { type: 'technology_offer', titleIt: 'X', validUntil: day(1, 2) });
    assert.equal(tooLong.statusCode, 400);
    assert.deepEqual(tooLong.json().fields, { validUntil: 'over_12_months' });
    assert.equal((await api(owner, 'POST', '/profiles', { type: 'technology_offer', titleIt: 'X', validUntil: day(0, 300) })).statusCode, 201);
    const res = await api(owner, 'POST', '/profiles', { type: 'technology_offer', titleIt: 'Emulsionante a freddo', summaryIt: 'Per creme' });
    assert.equal(res.statusCode, 201, res.body);
    const id = res.json().id;
    assert.equal(res.json().status, 'draft');
    assert.equal((await api(peer, 'GET', `/profiles/${id}`)).statusCode, 404);
    assert.equal((await api(visitor, 'GET', `/profiles/${id}`)).statusCode, 404);
    assert.equal((await api(region, 'GET', `/profiles/${id}`)).statusCode, 200);
    assert.equal((await api(peer, 'PATCH', `/profiles/${id}`, { titleIt: 'Mio' })).statusCode, 404);
    assert.equal((await api(visitor, 'GET', '/profiles/not-a-uuid')).statusCode, 400);
    const mine = await api(owner, 'GET', '/profiles/mine');
    assert.ok(mine.json().items.some((p: { id: string }) => p.id === id));
  });

  test('a form sent twice (Back, then Save again) makes one profile; the API replays a creation key with 200', async () => {
    const form1 = await page(owner, '/it/marketplace/new');
    const key = /<input type="hidden" name="creationKey" value="([0-9a-f-]{36})"/.exec(form1.body)?.[1];
    assert.ok(key, 'the new-profile form carries a creation key');
    const fields = { type: 'technology_request', titleIt: 'Cerchiamo un emulsionante naturale', summaryIt: 'Per creme', creationKey: key, action: 'submit' };
    const first = await post(owner, '/it/marketplace/new', fields);
    assert.equal(first.statusCode, 303, first.body);
    const id = (first.headers.location as string).split('/')[3].split('?')[0];
    const mails = t.mailer.sent.length;
    await t.runJobs();
    const toStaff = t.mailer.sent.length - mails;
    const again = await post(owner, '/it/marketplace/new', { ...fields, titleIt: 'Cerchiamo un emulsionante naturale (di nuovo)' });
    assert.equal(again.statusCode, 303);
    assert.equal(again.headers.location, `/it/marketplace/${id}?done=alreadySent`);
    assert.match((await page(owner, again.headers.location as string)).body, /Questo modulo era già stato inviato/);
    const [{ n }] = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM profile WHERE title_it LIKE 'Cerchiamo un emulsionante naturale%'");
    assert.equal(n, 1, 'one profile');
    await t.runJobs();
    assert.equal(t.mailer.sent.length - mails, toStaff, 'the staff are not told twice');
    // a fresh form is a new key: another profile
    const form2 = await page(owner, '/it/marketplace/new');
    assert.notEqual(/name="creationKey" value="([0-9a-f-]{36})"/.exec(form2.body)?.[1], key);
    // the API: the same key again answers 200 with the first profile; a malformed key is named
    const apiKey = '6f1f7c1e-2a4b-4c3d-9e8f-0a1b2c3d4e5f';
    const created = await api(owner, 'POST', '/profiles', { type: 'lab_service', titleEn: 'Challenge tests', creationKey: apiKey });
    assert.equal(created.statusCode, 201);
    const replay = await api(owner, 'POST', '/profiles', { type: 'lab_service', titleEn: 'Challenge tests', creationKey: apiKey });
    assert.equal(replay.statusCode, 200);
    assert.equal(replay.json().id, created.json().id);
    assert.equal((await api(owner, 'POST', '/profiles', { type: 'lab_service', titleEn: 'X', creationKey: 'nope' })).json().fields.creationKey, 'invalid_uuid');
  });

  test('pages: a reader who may not publish is told who publishes, not only refused', async () => {
    const refused = await page(staff, '/it/marketplace/new');
    assert.equal(refused.statusCode, 403);
    assert.match(refused.body, /Pubblicano nel marketplace gli utenti delle organizzazioni socie/);
    const suggestions = await page(staff, '/en/suggestions');
    assert.equal(suggestions.statusCode, 403);
    assert.match(suggestions.body, /Suggestions are for the users of member organisations/);
    // the JSON API keeps its own answer
    assert.equal((await api(staff, 'POST', '/profiles', { type: 'lab_service', titleEn: 'X' })).json().error, 'forbidden');
  });

  test('pages: a draft says who sees it; an expired profile says it can be renewed only to those who can', async () => {
    const id = (await api(owner, 'POST', '/profiles', { type: 'lab_service', titleEn: 'Patch tests', summaryEn: 'On volunteers' })).json().id;
    for (const reader of [owner, staff]) {
      const draft = await page(reader, `/en/marketplace/${id}`);
      assert.equal(draft.statusCode, 200);
      assert.match(draft.body, /only the organisation’s users, the cluster’s staff, the Region and the platform’s administrators see it/);
    }
    await t.db.query(`UPDATE profile SET status = 'expired' WHERE id = $1`, [id]);
    const mine = await page(owner, `/en/marketplace/${id}`);
    assert.match(mine.body, /has expired and no longer appears in the marketplace\. You can renew it below\./);
    assert.match(mine.body, /action="\/en\/marketplace\/[0-9a-f-]+\/renew"/);
    const regional = await page(region, `/en/marketplace/${id}`);
    assert.equal(regional.statusCode, 200);
    assert.match(regional.body, /has expired/);
    assert.doesNotMatch(regional.body, /You can renew it/, 'a reader who cannot renew is not told to');
  });

  test('API: submit, staff queue, publish, anonymous owner hidden from visitors, close', async () => {
    const created = await api(owner, 'POST', '/profiles', { type: 'technology_request', titleEn: 'Natural preservative', anonymous: true });
    const id = created.json().id;
    const incomplete = await api(owner, 'POST', `/profiles/${id}/submit`);
    assert.equal(incomplete.statusCode, 400);
    assert.deepEqual(incomplete.json().fields, { summaryEn: 'required_to_submit' });
    const patched = await api(owner, 'PATCH', `/profiles/${id}`, { summaryEn: 'For rinse-off products', trl: 4 });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.json().trl, 4);
    assert.equal(patched.json().titleEn, 'Natural preservative');
    assert.equal((await api(owner, 'POST', `/profiles/${id}/submit`)).statusCode, 200);
    const queue = await api(staff, 'GET', '/profiles/queue');
    assert.ok(queue.json().items.some((p: { id: string }) => p.id === id));
    assert.equal((await api(otherStaff, 'GET', '/profiles/queue')).json().items.length, 0);
    // the Region reads the queue of every cluster but does not decide
    assert.ok((await api(region, 'GET', '/profiles/queue')).json().items.some((p: { id: string }) => p.id === id));
    // staff and the Region may list other statuses on the marketplace page; a visitor's status is ignored
    assert.match((await page(region, '/it/marketplace?status=submitted')).body, /Natural preservative/);
    assert.match((await page(staff, '/en/marketplace?status=submitted')).body, /Natural preservative/);
    assert.doesNotMatch((await page(visitor, '/it/marketplace?status=submitted')).body, /Natural preservative/);
    assert.doesNotMatch((await page(peer, '/it/marketplace?status=submitted')).body, /Natural preservative/);
    const regionQueue = await page(region, '/it/staff/marketplace');
    assert.equal(regionQueue.statusCode, 200);
    assert.ok(!regionQueue.body.includes(`/staff/marketplace/${id}/review`));
    assert.match((await page(staff, '/it/staff/marketplace')).body, new RegExp(`/staff/marketplace/${id}/review`));
    assert.equal((await api(owner, 'POST', `/profiles/${id}/review`, { decision: 'publish' })).statusCode, 403);
    const noReason = await api(staff, 'POST', `/profiles/${id}/review`, { decision: 'return' });
    assert.equal(noReason.statusCode, 400);
    assert.deepEqual(Object.keys(noReason.json().fields), ['reason']);
    const published = await api(staff, 'POST', `/profiles/${id}/review`, { decision: 'publish' });
    assert.equal(published.statusCode, 200, published.body);
    assert.equal(published.json().status, 'published');
    const seen = await api(visitor, 'GET', `/profiles/${id}`);
    assert.equal(seen.statusCode, 200);
    assert.equal(seen.json().owner, null);
    assert.ok(!seen.body.includes(orgName));
    assert.equal((await api(visitor, 'GET', `/profiles?cluster=${clusterSlug}`)).json().items.filter((p: { id: string }) => p.id === id).length, 1);
    assert.equal((await api(visitor, 'GET', `/profiles?cluster=${otherSlug}`)).json().total, 0);
    const list = await api(visitor, 'GET', '/profiles?type=technology_request');
    assert.ok(!list.body.includes(orgName));
    assert.ok(list.json().items.some((p: { id: string }) => p.id === id));
    assert.equal((await api(owner, 'GET', `/profiles/${id}`)).json().owner.name, orgName);
    assert.equal((await api(owner, 'PATCH', `/profiles/${id}`, { titleEn: 'Changed' })).statusCode, 409);
    const pageRes = await t.app.inject({ url: `/en/marketplace/${id}` });
    assert.match(pageRes.body, /Organisation withheld/);
    assert.ok(!pageRes.body.includes(orgName));
    assert.equal((await api(peer, 'POST', `/profiles/${id}/close`)).statusCode, 403);
    const closed = await api(owner, 'POST', `/profiles/${id}/close`);
    assert.equal(closed.json().status, 'closed');
    assert.equal((await api(visitor, 'GET', `/profiles/${id}`)).statusCode, 404);
    assert.equal((await api(owner, 'POST', `/profiles/${id}/close`)).statusCode, 409);
  });

  test('pages: a user of two organisations, only one of which may publish, gets a form that works', async () => {
    const cluster = await buildCluster(t.db);
    const active = await buildOrganisation(t.db);
    const waiting = await buildOrganisation(t.db);
    await buildMembership(t.db, cluster.id, active.id);
    await buildMembership(t.db, cluster.id, waiting.id, { status: 'suspended' });
    const user = await agentFor(
      t.app,
      (await buildUser(t.db, { roles: [{ role: 'member', organisationId: active.id }, { role: 'member', organisationId: waiting.id }] })).id,
    );
    const form = await page(user, '/en/marketplace/new');
    const hidden = /<input type="hidden" name="ownerCluster" value="([^"]+)"/.exec(form.body);
    assert.equal(hidden?.[1], `${active.id}|${cluster.id}`, 'the only organisation and cluster that may publish');
    const ok = await post(user, '/en/marketplace/new', { type: 'business_offer', titleEn: 'Contract filling', ownerCluster: hidden?.[1] ?? '', action: 'draft' });
    assert.equal(ok.statusCode, 303, ok.body);
  });

  test('pages: a member of two clusters chooses where to publish; the choice is checked', async () => {
    const a = await buildCluster(t.db);
    const b = await buildCluster(t.db);
    const c = await buildCluster(t.db);
    const org = await buildOrganisation(t.db);
    await buildMembership(t.db, a.id, org.id);
    await buildMembership(t.db, b.id, org.id);
    const user = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'member', organisationId: org.id }] })).id);
    const form1 = await page(user, '/en/marketplace/new');
    assert.match(form1.body, /name="ownerCluster"/);
    const missing = await post(user, '/en/marketplace/new', { type: 'business_offer', titleEn: 'Contract filling', action: 'draft' });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /data-field="ownerCluster"/);
    const wrong = await post(user, '/en/marketplace/new', { type: 'business_offer', titleEn: 'Contract filling', ownerCluster: `${org.id}|${c.id}`, action: 'draft' });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /not an active member/);
    const ok = await post(user, '/en/marketplace/new', { type: 'business_offer', titleEn: 'Contract filling', ownerCluster: `${org.id}|${b.id}`, action: 'draft' });
    assert.equal(ok.statusCode, 303, ok.body);
    const id = (ok.headers.location as string).split('/')[3].split('?')[0];
    assert.equal((await api(user, 'GET', `/profiles/${id}`)).json().cluster.slug, b.slug);
  });

  test('pages: the owner fills the form (errors beside fields), submits, staff return with reasons, owner corrects, staff publish, owner renews', async () => {
    const newForm = await page(owner, '/it/marketplace/new');
    assert.equal(newForm.statusCode, 200);
    assert.match(newForm.body, /name="titleIt"/);
    assert.match(newForm.body, /name="conceptIds" multiple/);
    const invalid = await post(owner, '/it/marketplace/new', { type: 'technology_offer', trl: '11', atecoCodes: '20.42.00, 99.99', action: 'draft' });
    assert.equal(invalid.statusCode, 400);
    assert.match(invalid.body, /data-field="titleIt"/);
    assert.match(invalid.body, /data-field="atecoCodes"/);
    assert.match(invalid.body, /data-field="trl"/);
    assert.match(invalid.body, /value="20.42.00, 99.99"/);
    // saving and submitting at once: a title without a summary saves the draft and shows what is missing
    const partial = await post(owner, '/it/marketplace/new', { type: 'lab_service', titleIt: 'Test di stabilità', action: 'submit' });
    assert.equal(partial.statusCode, 400);
    assert.match(partial.body, /data-field="summaryIt"/);
    const ok = await post(owner, '/it/marketplace/new', {
      type: 'lab_service',
      titleIt: 'Test di stabilità accelerati',
      summaryIt: 'Camere climatiche e challenge test',
      iprStatus: ['secret_know_how'],
      partnershipTypes: ['technical_cooperation', 'subcontracting'],
      partnerCategories: ['company'],
      conceptIds: ['tech.encapsulation'],
      atecoCodes: '20.42.00',
      anonymous: 'on',
      action: 'submit',
    });
    assert.equal(ok.statusCode, 303, ok.body);
    const location = ok.headers.location as string;
    assert.match(location, /^\/it\/marketplace\/[0-9a-f-]{36}\?done=submitted$/);
    const id = location.split('/')[3].split('?')[0];
    const mail = t.mailer.sent.length;
    await t.runJobs();
    assert.ok(t.mailer.sent.slice(mail).some((m) => /Nuovo profilo da validare/.test(m.subject)));

    const queue = await page(staff, '/it/staff/marketplace');
    assert.equal(queue.statusCode, 200);
    assert.match(queue.body, /Test di stabilità accelerati/);
    const missing = await post(staff, `/it/staff/marketplace/${id}/review`, { decision: 'return', reason: '' });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /data-field="reason"/);
    const returned = await post(staff, `/it/staff/marketplace/${id}/review`, { decision: 'return', reason: 'Indicare il TRL' });
    assert.equal(returned.statusCode, 303);
    // A second decision on what someone already decided: a 409 page in the page's language, with the way back.
    const again = await t.app.inject({
      method: 'POST',
      url: `/it/staff/marketplace/${id}/review`,
      headers: { ...formHeaders(staff), referer: 'http://localhost/it/staff/marketplace' },
      payload: form({ _csrf: staff.csrf, decision: 'publish' }),
    });
    assert.equal(again.statusCode, 409);
    assert.match(again.body, /Il profilo non è più in attesa di validazione/);
    assert.doesNotMatch(again.body, /Only a submitted profile/);
    assert.match(again.body, /href="\/it\/staff\/marketplace" data-testid="error-back"/);
    await t.runJobs();
    assert.ok(t.mailer.sent.some((m) => /Indicare il TRL/.test(m.text)));
    const ownerView = await page(owner, `/it/marketplace/${id}`);
    assert.match(ownerView.body, /Indicare il TRL/);
    assert.match(ownerView.body, new RegExp(`href="/it/marketplace/${id}/edit"`));

    const edit = await page(owner, `/it/marketplace/${id}/edit`);
    assert.equal(edit.statusCode, 200);
    assert.match(edit.body, /value="Test di stabilità accelerati"/);
    assert.match(edit.body, /value="secret_know_how" checked/);
    assert.match(edit.body, /Indicare il TRL/);
    const saved = await post(owner, `/it/marketplace/${id}/edit`, {
      type: 'lab_service',
      titleIt: 'Test di stabilità accelerati',
      summaryIt: 'Camere climatiche e challenge test',
      descriptionIt: 'Camere a 40 °C e 75% di umidità.\r\n\r\nChallenge test secondo ISO 11930.',
      trl: '9',
      conceptIds: ['tech.encapsulation'],
      anonymous: 'on',
      action: 'submit',
    });
    assert.equal(saved.statusCode, 303, saved.body);
    assert.equal((await post(staff, `/it/staff/marketplace/${id}/review`, { decision: 'publish', reason: '' })).statusCode, 303);

    const publicView = await page(visitor, `/en/marketplace/${id}`);
    assert.equal(publicView.statusCode, 200);
    assert.match(publicView.body, /TRL 9/);
    // the description keeps its paragraphs, marked as Italian on the English page
    assert.match(publicView.body, /<div lang="it"><p>Camere a 40 °C e 75% di umidità.<\/p><p>Challenge test secondo ISO 11930.<\/p><\/div>/);
    assert.ok(!publicView.body.includes(orgName));
    assert.ok(!publicView.body.includes('id="renew"'));
    const listed = await page(visitor, '/it/marketplace?type=lab_service');
    assert.match(listed.body, /Test di stabilità accelerati/);
    assert.ok(!listed.body.includes(orgName));
    const peerView = await page(peer, `/it/marketplace/${id}`);
    assert.match(peerView.body, new RegExp(`/it/marketplace/${id}/interest`));
    // once the owner's deadline has passed, no link to a form that can only say no
    await t.db.query("UPDATE profile SET deadline = current_date - 2 WHERE id = $1", [id]);
    assert.doesNotMatch((await page(peer, `/it/marketplace/${id}`)).body, new RegExp(`/it/marketplace/${id}/interest`));
    await t.db.query('UPDATE profile SET deadline = NULL WHERE id = $1', [id]);
    // the owner's users and the cluster's staff are led to the matchmaking's suggestions; other readers are not
    const toSuggestions = `href="/it/marketplace/${id}/suggestions"`;
    assert.ok(!peerView.body.includes(toSuggestions));
    assert.ok(!(await page(visitor, `/it/marketplace/${id}`)).body.includes(toSuggestions));
    assert.ok((await page(owner, `/it/marketplace/${id}`)).body.includes(toSuggestions));
    assert.ok((await page(staff, `/it/marketplace/${id}`)).body.includes(toSuggestions));

    // the reminder's link: through the sign-in page, straight on to the renewal button for a signed-in owner
    const viaLogin = await page(owner, `/it/login?next=${encodeURIComponent(`/it/marketplace/${id}#renew`)}`);
    assert.equal(viaLogin.statusCode, 303);
    assert.equal(viaLogin.headers.location, `/it/marketplace/${id}#renew`);
    const ownerPublished = await page(owner, `/it/marketplace/${id}`);
    assert.match(ownerPublished.body, /id="renew"/);
    assert.equal((await page(owner, `/it/marketplace/${id}/edit`)).statusCode, 409);
    await t.db.query("UPDATE profile SET valid_until = current_date + 3 WHERE id = $1", [id]);
    const renewed = await post(owner, `/it/marketplace/${id}/renew`, {});
    assert.equal(renewed.statusCode, 303);
    const [row] = await t.db.query<{ later: boolean }>("SELECT valid_until > current_date + 360 AS later FROM profile WHERE id = $1", [id]);
    assert.equal(row.later, true);
    const mine = await page(owner, '/en/marketplace/mine');
    assert.match(mine.body, /Test di stabilità accelerati/);
    const closed = await post(staff, `/it/marketplace/${id}/close`, {});
    assert.equal(closed.statusCode, 303);
    assert.equal((await page(visitor, `/it/marketplace/${id}`)).statusCode, 404);
  });

  test('the staff area of the navigation leads to the queue and counts the profiles waiting there, per reader', async () => {
    // the badge of the queue's entry in the Staff area disclosure: absent when nothing waits
    const badge = async (a: Agent) => {
      const body = (await page(a, '/it/marketplace')).body;
      const entry = body.match(/<a href="\/it\/staff\/marketplace">Profili del marketplace da validare(.*?)<\/a>/);
      if (!entry) return null;
      return Number(entry[1].match(/data-count="(\d+)"/)?.[1] ?? 0);
    };
    const before = { staff: await badge(staff), other: await badge(otherStaff), region: await badge(region) };
    assert.equal(await badge(owner), null, 'a member has no staff area');
    assert.equal(await badge(visitor), null);
    const created = await api(owner, 'POST', '/profiles', { type: 'lab_service', titleIt: 'Analisi reologiche', summaryIt: 'Viscosità e tixotropia' });
    const id = created.json().id;
    assert.equal((await api(owner, 'POST', `/profiles/${id}/submit`)).statusCode, 200);
    assert.equal(await badge(staff), (before.staff ?? 0) + 1);
    assert.equal(await badge(region), (before.region ?? 0) + 1, 'the Region counts every cluster');
    assert.equal(await badge(otherStaff), before.other, 'another cluster’s staff do not count it');
    const summary = (await page(staff, '/en/marketplace')).body.match(/<summary class="nav-link">(.*?)<\/summary>/)?.[1] ?? '';
    assert.match(summary, new RegExp(`Staff area.*data-count="${(before.staff ?? 0) + 1}".*waiting`));
    assert.equal((await post(staff, `/it/staff/marketplace/${id}/review`, { decision: 'publish', reason: '' })).statusCode, 303);
    assert.equal(await badge(staff), before.staff);
  });

  test('the organisation’s profiles and the validation queue come a page at a time', async () => {
    const cluster = await buildCluster(t.db);
    const org = await buildOrganisation(t.db);
    await buildMembership(t.db, cluster.id, org.id);
    const ownerA = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'member', organisationId: org.id }] })).id);
    const staffA = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'staff', clusterId: cluster.id }] })).id);
    // 25 submitted profiles: number 0 changed last and was submitted first
    const ids: string[] = [];
    for (let n = 0; n < 25; n++) {
      const [row] = await t.db.query<{ id: string }>(
        `INSERT INTO profile (cluster_id, organisation_id, type, title_it, summary_it, status, submitted_at, updated_at)
         VALUES ($1, $2, 'lab_service', $3, 'Prova', 'submitted', now() - ($4 || ' hours')::interval, now() - ($5 || ' minutes')::interval) RETURNING id`,
        [cluster.id, org.id, `Servizio numero ${n}`, 100 - n, n],
      );
      ids.push(row.id);
    }
    const rows = (body: string) => [...body.matchAll(/<th scope="row"><a href="\/it\/marketplace\/([0-9a-f-]{36})"/g)].map((m) => m[1]);

    const mine1 = (await page(ownerA, '/it/marketplace/mine')).body;
    assert.deepEqual(rows(mine1), ids.slice(0, 20), 'latest change first, 20 a page');
    assert.match(mine1, /<caption>Profili: 25<\/caption>/);
    assert.match(mine1, /href="\/it\/marketplace\/mine\?page=2" rel="next"/);
    assert.match(mine1, /Pagina 1 di 2/);
    const mine2 = (await page(ownerA, '/it/marketplace/mine?page=2')).body;
    assert.deepEqual(rows(mine2), ids.slice(20));
    assert.match(mine2, /href="\/it\/marketplace\/mine" rel="prev"/);
    const mineApi = (await api(ownerA, 'GET', '/profiles/mine?page=2&pageSize=10')).json();
    assert.deepEqual([mineApi.page, mineApi.pageSize, mineApi.total, mineApi.items.map((p: { id: string }) => p.id)], [2, 10, 25, ids.slice(10, 20)]);
    assert.equal((await api(ownerA, 'GET', '/profiles/mine?pageSize=1000')).statusCode, 400);

    // the queue, oldest submission first
    const queue2 = (await page(staffA, '/it/staff/marketplace?page=2')).body;
    assert.deepEqual(rows(queue2), ids.slice(20));
    assert.match(queue2, /href="\/it\/staff\/marketplace" rel="prev"/);
    assert.match(queue2, /<input type="hidden" name="page" value="2"\/>/);
    const queueApi = (await api(staffA, 'GET', '/profiles/queue?page=3&pageSize=10')).json();
    assert.deepEqual([queueApi.total, queueApi.items.length], [25, 5]);
    // a decision on page 2 comes back to page 2; an error shows beside the profile on the page it was on
    const returned = await post(staffA, `/it/staff/marketplace/${ids[22]}/review`, { decision: 'return', reason: '', page: '2' });
    assert.equal(returned.statusCode, 400);
    assert.deepEqual(rows(returned.body), ids.slice(20));
    assert.match(returned.body, /data-field="reason"/);
    const published = await post(staffA, `/it/staff/marketplace/${ids[22]}/review`, { decision: 'publish', reason: '', page: '2' });
    assert.equal(published.headers.location, '/it/staff/marketplace?reviewed=1&page=2');
    assert.deepEqual(rows((await page(staffA, '/it/staff/marketplace?page=2')).body), [ids[20], ids[21], ids[23], ids[24]]);
    // a page past the end (the last profiles of the last page decided) leads to the page that is now the last
    const past = await page(staffA, '/it/staff/marketplace?page=7&reviewed=1');
    assert.equal(past.statusCode, 303);
    assert.equal(past.headers.location, '/it/staff/marketplace?reviewed=1&page=2');
  });
});
