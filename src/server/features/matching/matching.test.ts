import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../db/db.ts';
import { type Actor, type Role, actorFromSession, createSession } from '../../lib/auth.ts';
import { AppError } from '../../lib/errors.ts';
import { emailHandlers, runDueJobs } from '../../lib/jobs.ts';
import { createMemoryMailer } from '../../lib/mail.ts';
import { createTestDb, testEngine } from '../../testing/db.ts';
import { buildCluster, buildMembership, buildOrganisation, buildUser } from '../../testing/factories.ts';
import { closeProfile, createProfile, reviewProfile, submitProfile } from '../marketplace/marketplace.ts';
import { buildPublishedProfile } from './matching.testing.ts';
import {
  complementaryCategories,
  complementsStage,
  createSavedSearch,
  deleteSavedSearch,
  digestJob,
  ensureDigestQueued,
  listSavedSearches,
  matchingJobHandlers,
  runDigests,
  savedSearchResults,
  stageSide,
  suggestionsForOrganisation,
  suggestionsForProfile,
} from './matching.ts';

const no = { allClusters: false, lang: undefined };
const all = { allClusters: true, lang: undefined };

async function rejects(p: Promise<unknown>, status: number, fields?: string[]) {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof AppError, String(err));
    assert.equal(err.status, status);
    if (fields) assert.deepEqual(Object.keys(err.fields ?? {}).sort(), fields.sort());
    return;
  }
  assert.fail(`expected ${status}`);
}

describe('matchmaking (domain)', () => {
  let db: Db;
  const org: Record<string, string> = {};
  const prof: Record<string, string> = {};
  const actors: Record<string, Actor> = {};
  let clusterA: string;
  let clusterB: string;

  const actor = async (roles: { role: Role; clusterId?: string; organisationId?: string }[], locale: 'it' | 'en' = 'it') => {
    const u = await buildUser(db, { roles, locale });
    return (await actorFromSession(db, await createSession(db, u.id))) as Actor;
  };
  const competence = (orgId: string, conceptId: string, description: string | null = null) =>
    db.query(
      `INSERT INTO organisation_competence (organisation_id, concept_id, kind, description, visibility, status) VALUES ($1, $2, 'service', $3, 'public', 'validated')`,
      [orgId, conceptId, description],
    );
  const mkOrg = async (key: string, clusterId: string, category: string, d: { it?: string; en?: string } = {}) => {
    const row = await buildOrganisation(db, { legal_name: `${key} Srl`, category });
    await db.query('UPDATE organisation SET description_it = $2, description_en = $3 WHERE id = $1', [row.id, d.it ?? null, d.en ?? null]);
    await buildMembership(db, clusterId, row.id);
    org[key] = row.id;
  };

  before(async () => {
    db = await createTestDb();
    clusterA = (await buildCluster(db)).id;
    clusterB = (await buildCluster(db)).id;
    await mkOrg('Ateneo', clusterA, 'university', { it: 'Laboratorio di tecnologie farmaceutiche: microincapsulazione di principi attivi e rilascio controllato.' });
    await competence(org.Ateneo, 'tech.encapsulation', 'Microcapsule lipidiche');
    await mkOrg('Cosmo', clusterA, 'company', { it: 'Produttore di creme viso.' });
    await mkOrg('Northfield', clusterA, 'company', { en: 'Encapsulation of actives for skin care.' });
    await mkOrg('Faraway', clusterB, 'company', { en: 'Fragrance encapsulation.' });
    await mkOrg('Plastica', clusterA, 'company', { it: 'Flaconi e vasetti in plastica per creme cosmetiche.' });
    await competence(org.Plastica, 'stage.packaging.plastic');
    await mkOrg('Terzista', clusterA, 'company', { it: 'Produzione conto terzi di creme cosmetiche e sieri.' });
    await competence(org.Terzista, 'stage.manufacturing.contract');
    await mkOrg('Vuota', clusterA, 'company');

    prof.request = (
      await buildPublishedProfile(db, {
        clusterId: clusterA,
        organisationId: org.Cosmo,
        type: 'technology_request',
        titleIt: 'Cerchiamo una tecnologia di microincapsulazione',
        descriptionIt: 'Vogliamo incapsulare principi attivi sensibili alla luce in una crema viso.',
        conceptIds: ['tech.encapsulation'],
      })
    ).id;
    prof.offerEn = (
      await buildPublishedProfile(db, {
        clusterId: clusterA,
        organisationId: org.Northfield,
        type: 'technology_offer',
        titleEn: 'Lipid microcapsules for light-sensitive actives',
        descriptionEn: 'Encapsulation technology protecting actives in creams, ready for licence.',
        conceptIds: ['tech.encapsulation'],
      })
    ).id;
    prof.offerAnonB = (
      await buildPublishedProfile(db, {
        clusterId: clusterB,
        organisationId: org.Faraway,
        type: 'technology_offer',
        titleEn: 'Encapsulated actives, anonymous offer',
        descriptionEn: 'Encapsulation of actives for face creams.',
        conceptIds: ['tech.encapsulation'],
        anonymous: true,
      })
    ).id;
    prof.draft = (
      await buildPublishedProfile(db, {
        clusterId: clusterA,
        organisationId: org.Northfield,
        type: 'technology_offer',
        titleIt: 'Bozza di incapsulazione',
        conceptIds: ['tech.encapsulation'],
        status: 'draft',
      })
    ).id;
    prof.bottles = (
      await buildPublishedProfile(db, {
        clusterId: clusterA,
        organisationId: org.Plastica,
        type: 'business_offer',
        titleIt: 'Flaconi in plastica riciclata per creme',
        descriptionIt: 'Forniamo flaconi e vasetti per creme e sieri.',
        conceptIds: ['stage.packaging.plastic'],
      })
    ).id;
    actors.cosmo = await actor([{ role: 'member', organisationId: org.Cosmo }]);
    actors.northfield = await actor([{ role: 'org_admin', organisationId: org.Northfield }], 'en');
    actors.ateneo = await actor([{ role: 'member', organisationId: org.Ateneo }]);
    actors.faraway = await actor([{ role: 'member', organisationId: org.Faraway }]);
    actors.plastica = await actor([{ role: 'member', organisationId: org.Plastica }]);
    actors.vuota = await actor([{ role: 'member', organisationId: org.Vuota }]);
    actors.staffA = await actor([{ role: 'staff', clusterId: clusterA }]);
    actors.staffB = await actor([{ role: 'staff', clusterId: clusterB }]);
    actors.region = await actor([{ role: 'region' }]);
  });
  after(() => db.close());

  test('complementarity rules', () => {
    assert.deepEqual(complementaryCategories('company', 'technology_request'), ['university', 'research_institute', 'irccs']);
    assert.deepEqual(complementaryCategories('university', 'technology_offer'), ['company', 'consortium']);
    assert.deepEqual(complementaryCategories('company', 'technology_offer'), []);
    assert.equal(stageSide(['stage.packaging.plastic']), 'supplier');
    assert.equal(stageSide(['stage.manufacturing.contract', 'tech.encapsulation']), 'producer');
    assert.equal(stageSide(['stage.packaging', 'stage.formulation.development']), null);
  });

  test('a company’s request: research organisations and offers fit, the English-only offer too, with why; own organisation and document excluded', async () => {
    const s = await suggestionsForProfile(db, actors.cosmo, { profileId: prof.request, query: no, locale: 'it' });
    const orgIds = s.organisations.map((i) => i.id);
    assert.ok(orgIds.includes(org.Ateneo), 'the university fits');
    assert.ok(!orgIds.includes(org.Cosmo), 'never the owner itself');
    const uni = s.organisations.find((i) => i.id === org.Ateneo)!;
    assert.equal(uni.why.complementarity?.label, 'impresa ↔ organizzazione di ricerca');
    assert.equal(uni.url, `/it/organisations/${org.Ateneo}`);
    const profIds = s.profiles.map((i) => i.id);
    assert.ok(profIds.includes(prof.offerEn), 'the English-only offer fits an Italian request');
    assert.ok(!profIds.includes(prof.request) && !profIds.includes(prof.draft), 'not itself, not a draft');
    assert.ok(!profIds.includes(prof.offerAnonB), 'another cluster only on request');
    for (const i of s.profiles) assert.ok(['technology_offer', 'business_offer', 'lab_service'].includes(i.profileType as string));
    const offer = s.profiles.find((i) => i.id === prof.offerEn)!;
    assert.equal(offer.name, 'Lipid microcapsules for light-sensitive actives');
    assert.equal(offer.lang, 'en', 'an English-only title on an Italian page says so');
    assert.deepEqual(offer.owner, { id: org.Northfield, name: 'Northfield Srl' });
    assert.ok(offer.why.concepts.some((c) => c.id === 'tech.encapsulation'));
    assert.ok(offer.why.concepts.every((c) => c.label !== c.id), 'concepts are labelled');
    assert.equal(s.scope.allClusters, false);
    assert.equal(s.scope.canWiden, true);
  });

  test('all clusters on request: an anonymous profile shows its title, never its owner', async () => {
    const s = await suggestionsForProfile(db, actors.cosmo, { profileId: prof.request, query: all, locale: 'en' });
    const anon = s.profiles.find((i) => i.id === prof.offerAnonB);
    assert.ok(anon, 'found across clusters');
    assert.equal(anon.owner, null);
    assert.equal(anon.category, null, 'nor its owner’s category');
    assert.ok(!anon.why.complementarity || !/research|company/.test(anon.why.complementarity.label), 'nor a complementarity that tells it');
    assert.equal(anon.name, 'Encapsulated actives, anonymous offer');
    // The owner may well be suggested as an organisation in its own right (it is a public member profile), but
    // nothing in the anonymous profile's result names it or points at it.
    assert.ok(!JSON.stringify(anon).includes('Faraway') && !JSON.stringify(anon).includes(org.Faraway), 'the profile result never names its owner');
    for (const o of s.organisations) assert.ok(!JSON.stringify(o).includes(prof.offerAnonB), 'no organisation result points at the anonymous profile');
    const uni = s.organisations.find((i) => i.id === org.Ateneo)!;
    assert.equal(uni.why.complementarity?.label, 'company ↔ research organisation');
    assert.equal(uni.url, `/en/organisations/${org.Ateneo}`);
  });

  test('region officers search every cluster; staff of the profile’s cluster may look, others may not', async () => {
    const r = await suggestionsForProfile(db, actors.region, { profileId: prof.request, query: no, locale: 'it' });
    assert.ok(r.profiles.some((i) => i.id === prof.offerAnonB));
    assert.equal(r.scope.canWiden, false);
    assert.equal(r.profiles.find((i) => i.id === prof.offerAnonB)?.owner, null, 'anonymous even for the Region');
    await suggestionsForProfile(db, actors.staffA, { profileId: prof.request, query: no, locale: 'it' });
    await rejects(suggestionsForProfile(db, actors.staffB, { profileId: prof.request, query: no, locale: 'it' }), 403);
    await rejects(suggestionsForProfile(db, actors.faraway, { profileId: prof.request, query: no, locale: 'it' }), 403);
    await rejects(suggestionsForProfile(db, actors.northfield, { profileId: prof.request, query: no, locale: 'it' }), 403);
    await rejects(suggestionsForProfile(db, actors.cosmo, { profileId: '00000000-0000-4000-8000-000000000000', query: no, locale: 'it' }), 404);
  });

  test('through the marketplace: a profile published by staff becomes a suggestion; closed, it is gone', async () => {
    const p = await createProfile(db, actors.northfield, {
      type: 'lab_service',
      titleEn: 'Stability testing of encapsulated actives',
      summaryEn: 'Accelerated stability of microcapsules in creams.',
      conceptIds: ['tech.encapsulation'],
    });
    await submitProfile(db, actors.northfield, { id: p.id, publicUrl: 'https://filiera.test' });
    const suggestions = async () => (await suggestionsForProfile(db, actors.cosmo, { profileId: prof.request, query: no, locale: 'it' })).profiles.map((i) => i.id);
    assert.ok(!(await suggestions()).includes(p.id), 'not before publication');
    await reviewProfile(db, actors.staffA, { id: p.id, review: { decision: 'publish', reason: null }, publicUrl: 'https://filiera.test' });
    assert.ok((await suggestions()).includes(p.id), 'published: suggested for the request');
    await closeProfile(db, actors.northfield, { id: p.id });
    assert.ok(!(await suggestions()).includes(p.id), 'closed: gone');
  });

  test('an offer gets requests, not other offers', async () => {
    const s = await suggestionsForProfile(db, actors.northfield, { profileId: prof.offerEn, query: no, locale: 'en' });
    assert.deepEqual(s.profiles.map((i) => i.id), [prof.request]);
    assert.equal(s.profiles[0].profileType, 'technology_request');
    assert.ok(!s.organisations.some((i) => i.id === org.Northfield));
  });

  test('a packaging supplier’s offer: the contract manufacturer is its complement (supplier ↔ producer)', async () => {
    const s = await suggestionsForProfile(db, actors.plastica, { profileId: prof.bottles, query: no, locale: 'it' });
    const t = s.organisations.find((i) => i.id === org.Terzista);
    assert.ok(t, JSON.stringify(s.organisations.map((i) => i.name)));
    assert.equal(t.why.complementarity?.from, 'supplier');
    assert.equal(t.why.complementarity?.to, 'producer');
  });

  test('supplier ↔ producer ranks as well as explains: complementsStage accepts only the other side', () => {
    const toSupplier = complementsStage('supplier');
    assert.ok(toSupplier);
    assert.equal(toSupplier({ conceptIds: ['stage.manufacturing.contract'] }), true, 'a producer complements a supplier');
    assert.equal(toSupplier({ conceptIds: ['stage.packaging.plastic'] }), false, 'another supplier does not');
    assert.equal(toSupplier({ conceptIds: ['stage.packaging', 'stage.formulation'] }), false, 'both sides: neither');
    assert.equal(toSupplier({ conceptIds: [] }), false);
    assert.equal(complementsStage(null), undefined, 'no side, no rule');
  });

  test('suggested for you: profiles that fit the organisation, with why; an empty organisation is told what to do', async () => {
    const s = await suggestionsForOrganisation(db, actors.ateneo, { query: no, locale: 'it' });
    assert.equal(s.organisation.id, org.Ateneo);
    assert.deepEqual(s.missing, []);
    const ids = s.items.map((i) => i.id);
    assert.ok(ids.includes(prof.request), 'the company’s request fits the university');
    const req = s.items.find((i) => i.id === prof.request)!;
    assert.equal(req.why.complementarity?.label, 'organizzazione di ricerca ↔ impresa');
    assert.ok(!ids.includes(prof.offerAnonB), 'own cluster by default');
    assert.ok((await suggestionsForOrganisation(db, actors.ateneo, { query: all, locale: 'it' })).items.some((i) => i.id === prof.offerAnonB));
    const empty = await suggestionsForOrganisation(db, actors.vuota, { query: no, locale: 'it' });
    assert.deepEqual(empty.missing, ['description', 'competences']);
    assert.deepEqual(empty.items, []);
    await rejects(suggestionsForOrganisation(db, actors.ateneo, { query: { ...no, organisation: org.Cosmo }, locale: 'it' }), 403);
    await rejects(suggestionsForOrganisation(db, actors.staffA, { query: no, locale: 'it' }), 403);
  });

  test('saved searches: every invalid field named; own list; someone else’s is not found', async () => {
    await rejects(
      createSavedSearch(db, actors.cosmo, { query: 'capsule', profileTypes: [], conceptIds: ['tech.encapsulation', 'no.such-concept'], allClusters: false, frequency: 'daily' }),
      400,
      ['conceptIds.1'],
    );
    const s = await createSavedSearch(db, actors.cosmo, { query: 'incapsulazione', profileTypes: ['technology_offer'], conceptIds: [], allClusters: false, frequency: 'daily' });
    assert.equal(s.name, 'incapsulazione');
    assert.equal(s.locale, 'it');
    assert.deepEqual((await listSavedSearches(db, actors.cosmo)).items.map((i) => i.id), [s.id]);
    assert.deepEqual((await listSavedSearches(db, actors.ateneo)).items, []);
    const r = await savedSearchResults(db, actors.cosmo, { id: s.id, locale: 'it' });
    assert.ok(r.items.some((i) => i.id === prof.offerEn));
    assert.ok(r.items.every((i) => i.profileType === 'technology_offer'));
    await rejects(savedSearchResults(db, actors.ateneo, { id: s.id, locale: 'it' }), 404);
    await rejects(deleteSavedSearch(db, actors.ateneo, s.id), 404);
    await deleteSavedSearch(db, actors.cosmo, s.id);
    assert.deepEqual((await listSavedSearches(db, actors.cosmo)).items, []);
  });

  test('digests: new matching profiles are e-mailed once, in the search’s language, with links; nothing new, nothing sent', async () => {
    const handlers = matchingJobHandlers(db, { publicUrl: 'https://filiera.test' });
    const mailer = createMemoryMailer();
    const runAll = () => runDueJobs(db, { ...emailHandlers(mailer), ...handlers }, 'test');
    const emailJobs = async () => (await db.query<{ payload: { to: string; template: string; params: Record<string, string> } }>("SELECT payload FROM job WHERE kind = 'email' ORDER BY id")).map((r) => r.payload);
    const before = (await emailJobs()).length;

    const immediate = await createSavedSearch(db, actors.northfield, { query: 'microincapsulazione di attivi', profileTypes: [], conceptIds: [], allClusters: false, frequency: 'immediate', locale: 'en' });
    const weekly = await createSavedSearch(db, actors.ateneo, { name: 'Capsule', query: 'incapsulazione', profileTypes: ['technology_request', 'rd_partner_search'], conceptIds: ['tech.encapsulation'], allClusters: false, frequency: 'weekly' });
    const other = await createSavedSearch(db, actors.cosmo, { query: 'profumeria di nicchia', profileTypes: [], conceptIds: [], allClusters: false, frequency: 'immediate' });
    // the weekly search was last checked eight days ago, the others a minute ago: every profile above is older
    await db.query("UPDATE saved_search SET last_checked_at = now() - interval '8 days' WHERE id = $1", [weekly.id]);
    await db.query("UPDATE saved_search SET last_checked_at = now() - interval '1 minute' WHERE id = ANY($1::uuid[])", [[immediate.id, other.id]]);
    await db.query("UPDATE profile SET published_at = now() - interval '30 days' WHERE status = 'published'");
    const fresh = await buildPublishedProfile(db, {
      clusterId: clusterA,
      organisationId: org.Cosmo,
      type: 'rd_partner_search',
      titleIt: 'Partner per incapsulare attivi',
      titleEn: 'Partner to encapsulate actives',
      descriptionIt: 'Cerchiamo un partner di ricerca per la microincapsulazione di attivi.',
      conceptIds: ['tech.encapsulation'],
    });
    const closedToday = await buildPublishedProfile(db, {
      clusterId: clusterA,
      organisationId: org.Cosmo,
      type: 'technology_request',
      titleIt: 'Incapsulazione, richiesta chiusa',
      conceptIds: ['tech.encapsulation'],
    });
    await db.query("UPDATE profile SET status = 'closed' WHERE id = $1", [closedToday.id]);
    // another cluster's fresh profile: not for a search of one's own cluster
    const elsewhere = await buildPublishedProfile(db, {
      clusterId: clusterB,
      organisationId: org.Faraway,
      type: 'technology_offer',
      titleEn: 'Microencapsulation of actives, another cluster',
      conceptIds: ['tech.encapsulation'],
    });
    // a daily search checked two hours ago is not due yet
    const daily = await createSavedSearch(db, actors.plastica, { query: 'incapsulazione', profileTypes: [], conceptIds: [], allClusters: false, frequency: 'daily' });
    await db.query("UPDATE saved_search SET last_checked_at = now() - interval '2 hours' WHERE id = $1", [daily.id]);
    const [dailyBefore] = await db.query<{ t: string }>('SELECT last_checked_at::text AS t FROM saved_search WHERE id = $1', [daily.id]);

    await handlers[digestJob]({});
    const sent = (await emailJobs()).slice(before).filter((e) => e.template === 'matching.digest');
    assert.equal(sent.length, 2, JSON.stringify(sent));
    const toNorthfield = sent.find((e) => e.to === actors.northfield.email)!;
    assert.ok(toNorthfield.params.list.includes(`https://filiera.test/en/marketplace/${fresh.id}`));
    assert.ok(toNorthfield.params.list.includes('Partner to encapsulate actives'));
    assert.ok(!toNorthfield.params.list.includes(closedToday.id), 'a closed profile is not announced');
    assert.ok(!toNorthfield.params.list.includes(prof.request), 'older profiles are not news');
    assert.ok(!toNorthfield.params.list.includes(elsewhere.id), 'own cluster unless the search asks for all');
    assert.ok(!sent.some((e) => e.to === actors.plastica.email), 'a daily search is not due after two hours');
    const [dailyAfter] = await db.query<{ t: string }>('SELECT last_checked_at::text AS t FROM saved_search WHERE id = $1', [daily.id]);
    assert.equal(dailyAfter.t, dailyBefore.t);
    const toAteneo = sent.find((e) => e.to === actors.ateneo.email)!;
    assert.equal(toAteneo.params.name, 'Capsule');
    assert.ok(toAteneo.params.list.includes(`https://filiera.test/it/marketplace/${fresh.id}`));
    assert.ok(!sent.some((e) => e.to === actors.cosmo.email), 'no match, no e-mail (and never one’s own profile)');

    // checked: a second run finds nothing new
    await handlers[digestJob]({});
    assert.equal((await emailJobs()).slice(before).filter((e) => e.template === 'matching.digest').length, 2);
    const [w] = await db.query<{ moved: boolean }>("SELECT last_checked_at > now() - interval '1 hour' AS moved FROM saved_search WHERE id = $1", [weekly.id]);
    assert.equal(w.moved, true);

    // the e-mails as sent, in each search's language
    await runAll();
    const en = mailer.sent.find((m) => m.to === actors.northfield.email && m.subject.startsWith('New profiles'))!;
    assert.match(en.subject, /^New profiles for your search “microincapsulazione di attivi” \(1\)$/);
    assert.ok(en.text.includes(`https://filiera.test/en/marketplace/${fresh.id}`));
    assert.ok(en.text.includes('https://filiera.test/en/saved-searches'));
    const it = mailer.sent.find((m) => m.to === actors.ateneo.email && m.subject.startsWith('Nuovi profili'))!;
    assert.match(it.subject, /^Nuovi profili per la ricerca «Capsule» \(1\)$/);
    assert.ok(it.text.includes('Ricerca partner per R&S'));
  });

  test('two digest runs at once send one e-mail per search', async () => {
    const s = await createSavedSearch(db, actors.ateneo, { query: 'conservanti naturali', profileTypes: [], conceptIds: [], allClusters: false, frequency: 'immediate' });
    await db.query("UPDATE saved_search SET last_checked_at = now() - interval '1 minute' WHERE id = $1", [s.id]);
    await buildPublishedProfile(db, { clusterId: clusterA, organisationId: org.Cosmo, type: 'technology_request', titleIt: 'Cerchiamo conservanti naturali per creme' });
    const count = async () =>
      (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM job WHERE kind = 'email' AND payload->>'template' = 'matching.digest' AND payload->'params'->>'name' = 'conservanti naturali'"))[0].n;
    await Promise.all([runDigests(db, { publicUrl: 'https://filiera.test' }), runDigests(db, { publicUrl: 'https://filiera.test' })]);
    assert.equal(await count(), 1);
  });

  test('a profile published by a transaction still open while a digest runs is announced by the next run (PostgreSQL)', { skip: testEngine !== 'postgres' && 'PGlite runs one transaction at a time' }, async () => {
    const s = await createSavedSearch(db, actors.ateneo, { query: 'tensioattivi da fermentazione', profileTypes: [], conceptIds: [], allClusters: false, frequency: 'immediate' });
    await db.query("UPDATE saved_search SET last_checked_at = now() - interval '1 minute' WHERE id = $1", [s.id]);
    const digests = async () =>
      (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM job WHERE kind = 'email' AND payload->>'template' = 'matching.digest' AND payload->'params'->>'name' = 'tensioattivi da fermentazione'"))[0].n;
    let published = '';
    await db.transaction(async (tx) => {
      // the profile is dated by this transaction's start, and a digest on another connection runs before it commits
      const p = await buildPublishedProfile(tx, { clusterId: clusterA, organisationId: org.Cosmo, type: 'technology_request', titleIt: 'Cerchiamo tensioattivi da fermentazione' });
      [{ published }] = await tx.query<{ published: string }>('SELECT published_at::text AS published FROM profile WHERE id = $1', [p.id]);
      await runDigests(db, { publicUrl: 'https://filiera.test' });
      const [{ checked }] = await db.query<{ checked: string }>('SELECT last_checked_at::text AS checked FROM saved_search WHERE id = $1', [s.id]);
      assert.ok(new Date(checked) <= new Date(published), `checked up to ${checked}, not past the open transaction (${published})`);
    });
    assert.equal(await digests(), 0);
    await runDigests(db, { publicUrl: 'https://filiera.test' });
    assert.equal(await digests(), 1, 'announced once the transaction committed');
  });

  test('the digest job: one queued at start however often asked; each run queues exactly one next run', async () => {
    await db.query("DELETE FROM job WHERE kind = 'matching.digest'");
    assert.equal(await ensureDigestQueued(db), true);
    assert.equal(await ensureDigestQueued(db), false);
    const count = async () => (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM job WHERE kind = 'matching.digest' AND done_at IS NULL")).at(0)!.n;
    assert.equal(await count(), 1);
    const handlers = matchingJobHandlers(db, { publicUrl: 'https://filiera.test' });
    await runDueJobs(db, handlers, 'test');
    const [done] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM job WHERE kind = 'matching.digest' AND done_at IS NOT NULL AND last_error IS NULL");
    assert.equal(done.n, 1);
    const [next] = await db.query<{ later: boolean; n: number }>(
      "SELECT bool_and(run_at > now() + interval '4 minutes') AS later, count(*)::int AS n FROM job WHERE kind = 'matching.digest' AND done_at IS NULL",
    );
    assert.deepEqual(next, { later: true, n: 1 });
    // a retried run queues no second chain
    await handlers[digestJob]({});
    assert.equal(await count(), 1);
    assert.equal(await ensureDigestQueued(db), false);
  });

  test('a research institute that worked on a project with the best match is suggested, and the why names both', async () => {
    await mkOrg('Istituto', clusterA, 'research_institute', { it: 'Reologia dei polimeri.' });
    const [p] = await db.query<{ id: string }>(
      `INSERT INTO project (programme, reference, acronym, title) VALUES ('horizon_europe', 'T-CAPS-1', 'CAPSULE', 'Capsules') RETURNING id`,
    );
    await db.query(`INSERT INTO project_participant (project_id, organisation_id, status) VALUES ($1, $2, 'validated'), ($1, $3, 'validated')`, [p.id, org.Ateneo, org.Istituto]);
    const s = await suggestionsForProfile(db, actors.cosmo, { profileId: prof.request, query: no, locale: 'en' });
    const item = s.organisations.find((i) => i.id === org.Istituto);
    assert.ok(item, `suggested: ${s.organisations.map((i) => i.name).join(', ')}`);
    assert.deepEqual(item.why.network, [{ id: org.Ateneo, name: 'Ateneo Srl', projects: ['CAPSULE'] }]);
    assert.equal(item.why.complementarity?.to, 'research', 'a company’s need: the institute is its complement');
    await db.query('DELETE FROM project WHERE id = $1', [p.id]);
    const again = await suggestionsForProfile(db, actors.cosmo, { profileId: prof.request, query: no, locale: 'en' });
    assert.ok(!again.organisations.some((i) => i.id === org.Istituto), 'without the project, nothing in its text fits');
  });

  test('suggested for you: an organisation of many topics gets a profile that answers one of them', async () => {
    await mkOrg('Ampia', clusterA, 'company', {
      it:
        'Gruppo industriale: fragranze e profumi, pigmenti per il trucco, tensioattivi per detergenti, oli essenziali, ' +
        'estratti vegetali, filtri solari, conservanti, siliconi, cere naturali, logistica a temperatura controllata, ' +
        'consulenza regolatoria, marketing digitale, e flaconi in plastica riciclata.',
    });
    const me = await actor([{ role: 'member', organisationId: org.Ampia }]);
    const s = await suggestionsForOrganisation(db, me, { query: no, locale: 'it' });
    assert.ok(s.items.some((i) => i.id === prof.bottles), s.items.map((i) => i.name).join(', '));
  });
});
