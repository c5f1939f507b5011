import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Agent, type TestApp, agentFor, createTestApp, form, formHeaders } from '../../testing/app.ts';
import { buildCluster, buildMembership, buildOrganisation, buildUser } from '../../testing/factories.ts';

describe('competences and facilities', () => {
  let t: TestApp;
  let orgId: string;
  let owner: Agent;
  let sameCluster: Agent;
  let otherCluster: Agent;
  let otherOrgMember: Agent;
  let staff: Agent;
  let otherStaff: Agent;
  let ownerId: string;
  let staffId: string;
  const visitorList = async (path = 'competences') => (await t.app.inject({ url: `/api/v1/organisations/${orgId}/${path}` })).json();
  const listAs = async (a: Agent, path = 'competences') => (await t.app.inject({ url: `/api/v1/organisations/${orgId}/${path}`, headers: a.headers })).json();

  before(async () => {
    t = await createTestApp();
    const cluster = await buildCluster(t.db);
    const cluster2 = await buildCluster(t.db);
    const org = await buildOrganisation(t.db, { ateco: ['22.22'] });
    orgId = org.id;
    await buildMembership(t.db, cluster.id, org.id);
    const peer = await buildOrganisation(t.db);
    await buildMembership(t.db, cluster.id, peer.id);
    const stranger = await buildOrganisation(t.db);
    await buildMembership(t.db, cluster2.id, stranger.id);
    ownerId = (await buildUser(t.db, { roles: [{ role: 'member', organisationId: org.id }] })).id;
    owner = await agentFor(t.app, ownerId);
    sameCluster = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'member', organisationId: peer.id }] })).id);
    otherCluster = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'member', organisationId: stranger.id }] })).id);
    otherOrgMember = sameCluster;
    staffId = (await buildUser(t.db, { roles: [{ role: 'staff', clusterId: cluster.id }] })).id;
    staff = await agentFor(t.app, staffId);
    otherStaff = await agentFor(t.app, (await buildUser(t.db, { roles: [{ role: 'staff', clusterId: cluster2.id }] })).id);
  });
  after(() => t.close());

  let publicId: string;
  let membersId: string;

  test('a declaration is invisible to the public until validated; validated public shows to visitors', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/organisations/${orgId}/competences`,
      headers: owner.headers,
      payload: { conceptId: 'stage.packaging.plastic', kind: 'produces', evidence: 'Progetto di prova', visibility: 'public' },
    });
    assert.equal(res.statusCode, 201, res.body);
    publicId = res.json().id;
    assert.equal(res.json().status, 'submitted');
    assert.equal((await visitorList()).total, 0);
    assert.equal((await listAs(owner)).total, 1);
    assert.equal((await listAs(staff)).total, 1);
    assert.equal((await listAs(sameCluster)).total, 0);
    const review = await t.app.inject({ method: 'POST', url: `/api/v1/competences/${publicId}/review`, headers: staff.headers, payload: { decision: 'validated' } });
    assert.equal(review.statusCode, 200, review.body);
    const list = await visitorList();
    assert.deepEqual(list.items.map((i: { id: string }) => i.id), [publicId]);
    assert.equal(list.items[0].concept.label.it.length > 0, true);
    assert.equal(list.items[0].reviewNote, null);
    const dup = await t.app.inject({
      method: 'POST',
      url: `/api/v1/organisations/${orgId}/competences`,
      headers: owner.headers,
      payload: { conceptId: 'stage.packaging.plastic', kind: 'produces' },
    });
    assert.equal(dup.statusCode, 409);
  });

  test('members-only: a member of the same cluster sees it, a visitor and a member of another cluster do not', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/organisations/${orgId}/competences`,
      headers: owner.headers,
      payload: { conceptId: 'tech.encapsulation', kind: 'research', visibility: 'members' },
    });
    assert.equal(res.statusCode, 201, res.body);
    membersId = res.json().id;
    assert.equal((await t.app.inject({ method: 'POST', url: `/api/v1/competences/${membersId}/review`, headers: staff.headers, payload: { decision: 'validated' } })).statusCode, 200);
    const ids = (l: { items: { id: string }[] }) => l.items.map((i) => i.id).sort();
    assert.deepEqual(ids(await listAs(sameCluster)), [publicId, membersId].sort());
    assert.deepEqual(ids(await visitorList()), [publicId]);
    assert.deepEqual(ids(await listAs(otherCluster)), [publicId]);
  });

  test('rejected with a note (a note is required); the owner reads the note; audit rows', async () => {
    const f = await t.app.inject({
      method: 'POST',
      url: `/api/v1/organisations/${orgId}/facilities`,
      headers: owner.headers,
      payload: { kind: 'laboratory', name: 'Laboratorio prove', certification: 'ISO/IEC 17025', conceptIds: ['tech.encapsulation'] },
    });
    assert.equal(f.statusCode, 201, f.body);
    const fid = f.json().id;
    const noNote = await t.app.inject({ method: 'POST', url: `/api/v1/facilities/${fid}/review`, headers: staff.headers, payload: { decision: 'rejected' } });
    assert.equal(noNote.statusCode, 400);
    assert.equal(noNote.json().fields.note, 'required');
    const rej = await t.app.inject({ method: 'POST', url: `/api/v1/facilities/${fid}/review`, headers: staff.headers, payload: { decision: 'rejected', note: 'Manca il numero di accreditamento' } });
    assert.equal(rej.statusCode, 200, rej.body);
    assert.equal(rej.json().status, 'rejected');
    const mine = await listAs(owner, 'facilities');
    assert.equal(mine.items[0].reviewNote, 'Manca il numero di accreditamento');
    assert.equal((await visitorList('facilities')).total, 0);
    const audits = await t.db.query<{ action: string; actor_user_id: string; cluster_id: string | null }>(
      "SELECT action, actor_user_id, cluster_id FROM audit_event WHERE subject_id = $1 ORDER BY id",
      [fid],
    );
    assert.deepEqual(audits.map((a) => a.action), ['facility.declared', 'facility.rejected']);
    assert.equal(audits[0].actor_user_id, ownerId);
    assert.equal(audits[1].actor_user_id, staffId);
    assert.ok(audits[1].cluster_id);
  });

  test('editing a validated declaration sends it back to review', async () => {
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/organisations/${orgId}/competences/${publicId}`,
      headers: owner.headers,
      payload: { description: 'Flaconi in PET riciclato' },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().status, 'submitted');
    assert.equal(res.json().description, 'Flaconi in PET riciclato');
    assert.deepEqual((await visitorList()).items.map((i: { id: string }) => i.id), []);
    const audits = await t.db.query<{ action: string }>('SELECT action FROM audit_event WHERE subject_id = $1 ORDER BY id', [publicId]);
    assert.deepEqual(audits.map((a) => a.action), ['competence.declared', 'competence.validated', 'competence.updated']);
  });

  test('permissions: member of another organisation 403, staff of another cluster 403', async () => {
    const url = `/api/v1/organisations/${orgId}/competences`;
    assert.equal((await t.app.inject({ method: 'POST', url, payload: { conceptId: 'tech.encapsulation', kind: 'produces' } })).statusCode, 401);
    assert.equal((await t.app.inject({ method: 'POST', url, headers: otherOrgMember.headers, payload: { conceptId: 'tech.encapsulation', kind: 'produces' } })).statusCode, 403);
    assert.equal((await t.app.inject({ method: 'PATCH', url: `${url}/${publicId}`, headers: otherOrgMember.headers, payload: { kind: 'service' } })).statusCode, 403);
    assert.equal((await t.app.inject({ method: 'DELETE', url: `${url}/${publicId}`, headers: otherOrgMember.headers })).statusCode, 403);
    assert.equal((await t.app.inject({ method: 'POST', url: `/api/v1/competences/${publicId}/review`, headers: otherStaff.headers, payload: { decision: 'validated' } })).statusCode, 403);
    assert.equal((await t.app.inject({ method: 'POST', url: `/api/v1/competences/${publicId}/review`, headers: owner.headers, payload: { decision: 'validated' } })).statusCode, 403);
    const bad = await t.app.inject({ method: 'POST', url, headers: owner.headers, payload: { conceptId: 'no.such.concept', kind: 'produces' } });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().fields.conceptId, 'invalid');
    const queue = (await t.app.inject({ url: '/api/v1/competences/review-queue', headers: otherStaff.headers })).json();
    assert.equal(queue.competences.length, 0);
    const myQueue = (await t.app.inject({ url: '/api/v1/competences/review-queue', headers: staff.headers })).json();
    assert.deepEqual(myQueue.competences.map((c: { id: string }) => c.id), [publicId]);
  });

  test('pages in both languages: the add form, ATECO suggestions first, errors beside the fields, the staff queue', async () => {
    for (const [lang, heading, error] of [
      ['it', 'Dichiara una competenza', 'Campo obbligatorio.'],
      ['en', 'Declare a competence', 'This field is required.'],
    ] as const) {
      const page = await t.app.inject({ url: `/${lang}/organisations/${orgId}/competences`, headers: { cookie: owner.cookie } });
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes(heading));
      // The organisation's ATECO 22.22 suggests plastic packaging: it comes in the first group, before the schemes.
      const firstGroup = page.body.indexOf('<optgroup');
      assert.ok(page.body.indexOf('value="stage.packaging.plastic"') > firstGroup);
      assert.ok(page.body.indexOf('value="stage.packaging.plastic"') < page.body.indexOf('<optgroup', firstGroup + 1));
      const post = await t.app.inject({
        method: 'POST',
        url: `/${lang}/organisations/${orgId}/competences`,
        headers: formHeaders(owner),
        payload: form({ _csrf: owner.csrf, conceptId: '', kind: 'produces', evidence: 'Pubblicazione 2025', visibility: 'public' }),
      });
      assert.equal(post.statusCode, 400);
      assert.match(post.body, new RegExp(`id="f-conceptId-error"[^>]*>${error}`));
      assert.ok(post.body.includes('Pubblicazione 2025'));
      const visitor = await t.app.inject({ url: `/${lang}/organisations/${orgId}/competences` });
      assert.equal(visitor.statusCode, 200);
      assert.ok(!visitor.body.includes(heading));
    }
    const ok = await t.app.inject({
      method: 'POST',
      url: `/it/organisations/${orgId}/facilities`,
      headers: formHeaders(owner),
      payload: form({ _csrf: owner.csrf, kind: 'certified_service', name: 'Produzione GMP', certification: 'ISO 22716', visibility: 'members' }),
    });
    assert.equal(ok.statusCode, 303, ok.body);
    const queue = await t.app.inject({ url: '/en/staff/competences', headers: { cookie: staff.cookie } });
    assert.equal(queue.statusCode, 200);
    assert.ok(queue.body.includes('Produzione GMP') && queue.body.includes('Declarations to validate'));
    const fid = (await t.db.query<{ id: string }>("SELECT id FROM facility WHERE name = 'Produzione GMP'"))[0].id;
    const noNote = await t.app.inject({
      method: 'POST',
      url: `/en/staff/facilities/${fid}/review`,
      headers: formHeaders(staff),
      payload: form({ _csrf: staff.csrf, decision: 'rejected', note: '' }),
    });
    assert.equal(noNote.statusCode, 400);
    assert.match(noNote.body, new RegExp(`id="note-${fid}-error"[^>]*>This field is required.`));
    const validated = await t.app.inject({
      method: 'POST',
      url: `/en/staff/facilities/${fid}/review`,
      headers: formHeaders(staff),
      payload: form({ _csrf: staff.csrf, decision: 'validated' }),
    });
    assert.equal(validated.statusCode, 303);
    assert.equal((await t.db.query<{ status: string }>('SELECT status FROM facility WHERE id = $1', [fid]))[0].status, 'validated');
  });
  test('edit pages: the form is filled, errors show beside the fields, saving a validated declaration re-submits it', async () => {
    const [row] = await t.db.query<{ id: string }>(
      "INSERT INTO organisation_competence (organisation_id, concept_id, kind, status, visibility) VALUES ($1, 'tech.encapsulation', 'produces', 'validated', 'public') RETURNING id",
      [orgId],
    );
    const url = (lang: string) => `/${lang}/organisations/${orgId}/competences/${row.id}/edit`;
    for (const [lang, title, error] of [
      ['it', 'Modifica la competenza', 'Scegli uno dei valori proposti.'],
      ['en', 'Edit the competence', 'Choose one of the values offered.'],
    ] as const) {
      const page = await t.app.inject({ url: url(lang), headers: { cookie: owner.cookie } });
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes(title));
      assert.match(page.body, /<option value="tech.encapsulation" selected/);
      // Each concept is offered once: the suggested ones only in the first group.
      assert.equal(page.body.split('value="stage.packaging.plastic"').length, 2);
      const bad = await t.app.inject({
        method: 'POST',
        url: url(lang),
        headers: formHeaders(owner),
        payload: form({ _csrf: owner.csrf, conceptId: 'tech.encapsulation', kind: '', evidence: 'Brevetto 2024', visibility: 'public' }),
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, new RegExp(`id="f-kind-error"[^>]*>${error}`));
      assert.ok(bad.body.includes('Brevetto 2024'));
    }
    assert.equal((await t.app.inject({ url: url('it'), headers: { cookie: sameCluster.cookie } })).statusCode, 403);
    const ok = await t.app.inject({
      method: 'POST',
      url: url('it'),
      headers: formHeaders(owner),
      payload: form({ _csrf: owner.csrf, conceptId: 'tech.encapsulation', kind: 'service', evidence: 'Brevetto 2024', visibility: 'members' }),
    });
    assert.equal(ok.statusCode, 303, ok.body);
    const [after] = await t.db.query<{ status: string; kind: string; evidence: string }>('SELECT status, kind, evidence FROM organisation_competence WHERE id = $1', [row.id]);
    assert.deepEqual(after, { status: 'submitted', kind: 'service', evidence: 'Brevetto 2024' });
  });
});
