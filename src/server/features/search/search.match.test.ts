import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../db/db.ts';
import { createTestDb } from '../../testing/db.ts';
import { foldJs, guessLanguage, lexiconFile, matchDocuments, parseLexicon, firstStage, wordsOf } from './search.match.ts';
import { indexDocument } from './search.ts';

describe('matchmaking ranking', () => {
  let db: Db;
  const clusterA = randomUUID();
  const clusterB = randomUUID();
  const ids = {
    enEmulsion: randomUUID(),
    itPackaging: randomUUID(),
    enProfile: randomUUID(),
    itLab: randomUUID(),
    other: randomUUID(),
  };

  const doc = (o: Partial<Parameters<typeof indexDocument>[1]> & { id: string; name: string }) =>
    indexDocument(db, {
      type: 'organisation',
      clusterIds: [clusterA],
      textIt: '',
      textEn: '',
      conceptIds: [],
      provinces: [],
      category: 'company',
      sizeClass: null,
      ...o,
    });

  before(async () => {
    db = await createTestDb();
    // English only: no Italian word anywhere
    await doc({
      id: ids.enEmulsion,
      name: 'Northfield Formulation Ltd',
      textEn: 'We design stable emulsions and run clinical trials of skin care products; emollient esters for creams.',
      conceptIds: ['function.skin-conditioning-emollient'],
    });
    // Italian only
    await doc({
      id: ids.itPackaging,
      name: 'Officina Lariana Srl',
      textIt: 'Riempimento e confezionamento conto terzi di creme e sieri; sintesi di esteri per la cosmesi.',
      category: 'university',
      clusterIds: [clusterB],
    });
    // a profile (technology request) in English, another cluster
    await doc({
      type: 'profile',
      subtype: 'technology_request',
      id: ids.enProfile,
      name: 'Looking for emulsion stabilisers',
      textEn: 'A cosmetics brand seeks a partner to stabilise water-in-oil emulsions.',
      clusterIds: [clusterB],
    });
    // an Italian laboratory profile, offer
    await doc({
      type: 'profile',
      subtype: 'technology_offer',
      id: ids.itLab,
      name: 'Laboratorio di emulsioni',
      textIt: 'Offriamo prove di stabilità delle emulsioni cosmetiche e studi clinici.',
      category: 'research_organisation',
    });
    await doc({ id: ids.other, name: 'Quantum Widgets', textEn: 'Quantum computing hardware and cryogenic widgets.' });
  });
  after(() => db.close());

  const match = (text: string, o: Partial<Parameters<typeof matchDocuments>[1]> = {}) =>
    matchDocuments(db, { text, types: ['organisation', 'profile'], locale: 'it', ...o });

  test('an Italian need finds an English-only document, and the why is in the reader language', async () => {
    const r = await match('Cerchiamo un partner per emulsioni stabili e sperimentazione clinica di prodotti per la pelle', { lang: 'it' });
    const item = r.find((i) => i.id === ids.enEmulsion);
    assert.ok(item, 'the English-only formulator is found');
    assert.ok(item.why.words.includes('emulsioni'), `why words in Italian: ${item.why.words.join(', ')}`);
    assert.ok(item.why.words.includes('sperimentazione clinica'), `lexicon phrase shown in Italian: ${item.why.words.join(', ')}`);
    assert.ok(!r.some((i) => i.id === ids.other), 'an unrelated document is not a match');
    for (const i of r) assert.ok(i.why.words.length + i.why.concepts.length > 0, `${i.name} says why`);

    const en = await match('Cerchiamo un partner per emulsioni stabili e sperimentazione clinica', { lang: 'it', locale: 'en' });
    const enItem = en.find((i) => i.id === ids.enEmulsion);
    assert.ok(enItem?.why.words.includes('clinical trial'), `an English reader sees the English equivalent: ${enItem?.why.words.join(', ')}`);
  });

  test('an English need finds an Italian-only document through the taxonomy and the lexicon', async () => {
    const r = await match('We need contract filling and packing, and the synthesis of esters', { lang: 'en', locale: 'en' });
    const item = r.find((i) => i.id === ids.itPackaging);
    assert.ok(item, 'the Italian-only co-packer is found');
    assert.ok(item.why.words.includes('synthesis'), `why words in English: ${item.why.words.join(', ')}`);
    assert.ok(item.why.words.some((w) => /contract filling/i.test(w)), `the taxonomy term in English: ${item.why.words.join(', ')}`);
  });

  test('shared concepts are listed with labels in the reader language', async () => {
    const it = await match('emolliente', { locale: 'it' });
    const item = it.find((i) => i.id === ids.enEmulsion);
    assert.deepEqual(item?.why.concepts.map((c) => c.label), ['Condizionante cutaneo – emolliente']);
    const en = await match('emolliente', { locale: 'en' });
    assert.deepEqual(en.find((i) => i.id === ids.enEmulsion)?.why.concepts.map((c) => c.label), ['Skin conditioning – emollient']);
    // a concept asked for explicitly, without text, finds its documents too
    const byConcept = await match('', { conceptIds: ['function.skin-conditioning-emollient'] });
    assert.deepEqual(byConcept.map((i) => i.id), [ids.enEmulsion]);
  });

  test('types, subtypes, clusters and exclusions filter; clusterIds null means all clusters', async () => {
    const need = 'emulsions emulsioni';
    const all = (await match(need, { clusterIds: null })).map((i) => i.id);
    assert.ok(all.includes(ids.enEmulsion) && all.includes(ids.enProfile) && all.includes(ids.itLab));
    const profiles = await match(need, { types: ['profile'] });
    assert.ok(profiles.length > 0 && profiles.every((i) => i.type === 'profile'));
    const offers = await match(need, { types: ['profile'], subtypes: ['technology_offer'] });
    assert.deepEqual(offers.map((i) => i.id), [ids.itLab]);
    const inB = await match(need, { clusterIds: [clusterB] });
    assert.deepEqual(inB.map((i) => i.id), [ids.enProfile]);
    const none = await match(need, { clusterIds: [] });
    assert.deepEqual(none, []);
    const excluded = (await match(need, { excludeIds: [ids.enEmulsion] })).map((i) => i.id);
    assert.ok(!excluded.includes(ids.enEmulsion) && excluded.includes(ids.itLab));
  });

  test('boostCategories lifts complementary partners and says so', async () => {
    const need = 'emulsioni e studi clinici';
    const plain = await match(need, { types: ['organisation', 'profile'] });
    assert.ok(plain.every((i) => !i.why.complementary));
    const boosted = await match(need, { boostCategories: ['research_organisation'] });
    const lab = boosted.find((i) => i.id === ids.itLab);
    assert.equal(lab?.why.complementary, true);
    assert.ok(boosted.filter((i) => i.id !== ids.itLab).every((i) => !i.why.complementary));
    const before = plain.find((i) => i.id === ids.itLab)?.score ?? 0;
    assert.ok((lab?.score ?? 0) > before, 'the boost raises the score');
  });

  test('boostIf: the caller’s own complementarity rule lifts the documents it accepts', async () => {
    const need = 'emulsioni e studi clinici';
    const plain = await match(need, { types: ['organisation', 'profile'] });
    const boosted = await match(need, { types: ['organisation', 'profile'], boostIf: (d) => d.category === 'research_organisation' });
    const lab = boosted.find((i) => i.id === ids.itLab);
    assert.equal(lab?.why.complementary, true);
    assert.ok((lab?.score ?? 0) > (plain.find((i) => i.id === ids.itLab)?.score ?? 0));
    assert.ok(boosted.filter((i) => i.id !== ids.itLab).every((i) => !i.why.complementary));
  });

  test('a document indexed after a first match is found at once (word statistics follow the index)', async () => {
    assert.deepEqual(await match('zorblaxite'), []);
    const id = randomUUID();
    await doc({ id, name: 'Fresh Lab', textEn: 'Zorblaxite coatings for jars.' });
    assert.deepEqual((await match('zorblaxite')).map((i) => i.id), [id]);
  });

  test('a word the figures do not hold yet (a document indexed while another session rebuilds them) is found', async () => {
    await match('emulsioni'); // the figures describe the index
    const id = randomUUID();
    await doc({ id, name: 'Newcomer Lab', textEn: 'Quarvellite pigments for lipsticks.' });
    // another session holds the rebuild: the figures stay as they were but claim to describe the index
    await db.query(
      `UPDATE search_match_stat SET documents = (SELECT count(*)::int FROM search_document),
              stamp = (SELECT count(*)::int || ':' || coalesce(max(indexed_at)::text, '') FROM search_document)`,
    );
    const [held] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM search_lexeme_stat WHERE lexeme LIKE 'quarvell%'");
    assert.equal(held.n, 0, 'the figures do not know the word');
    assert.deepEqual((await match('quarvellite')).map((i) => i.id), [id]);
  });

  test('a document holding only a sliver of a long need (one common word) is not a result; for a short need it is', async () => {
    const generic = randomUUID();
    const strong = randomUUID();
    await doc({ id: generic, name: 'Generic Supplies', textEn: 'Products and services for offices.' });
    await doc({ id: strong, name: 'Dermatrial Lab', textEn: 'Transepidermal water loss, corneometry, sebumetry, cutometry, profilometry, elastometry, colorimetry and ultrasound imaging of dermatological products.' });
    const long = await match('transepidermal water loss, corneometry, sebumetry, cutometry, profilometry, elastometry, colorimetry and ultrasound imaging on our dermatological products', { lang: 'en', locale: 'en' });
    assert.equal(long[0]?.id, strong);
    assert.ok(!long.some((i) => i.id === generic), long.map((i) => i.name).join(', '));
    const short = await match('products for offices', { lang: 'en', locale: 'en' });
    assert.ok(short.some((i) => i.id === generic));
  });

  test('a whole project description works: long needs are cut to their informative words', async () => {
    const long = `${'Sviluppiamo emulsioni stabili e studi clinici per la cosmesi naturale. '.repeat(300)} quantum`;
    const r = await match(long, { limit: 3 });
    assert.ok(r.length > 0 && r.length <= 3);
    assert.ok(r.every((i) => i.why.words.length + i.why.concepts.length > 0));
    assert.ok(!r.some((i) => i.id === ids.other) || r[0].id !== ids.other, 'one shared word does not beat the topic');
  });

  test('folding matches fold_text() and the lexicon parser rejects half entries', async () => {
    const samples = ["Cosmèsi dell'Università", 'ÀÉÎÕÜ çñ ÿ’x', 'Emulsion`s'];
    for (const s of samples) {
      const [row] = await db.query<{ f: string }>('SELECT fold_text($1) AS f', [s]);
      assert.equal(foldJs(s), row.f);
    }
    assert.deepEqual(wordsOf("L'emulsione").map((w) => w.folded), ['l', 'emulsione']);
    assert.throws(() => parseLexicon('cosmetics\temulsione\t\n'));
    assert.deepEqual(parseLexicon('# c\ndomain\tit\ten\nx\ta | b\tc\n'), [{ domain: 'x', it: ['a', 'b'], en: ['c'] }]);
  });

  test('the shipped lexicon parses, every line in both languages, each Italian label once', () => {
    const entries = parseLexicon(readFileSync(lexiconFile, 'utf8'));
    assert.ok(entries.length >= 400, `${entries.length} entries`);
    const domains = new Set(entries.map((e) => e.domain));
    for (const d of ['research', 'chemistry', 'cosmetics', 'biotech', 'health', 'agrifood']) assert.ok(domains.has(d), d);
    const labels = entries.map((e) => foldJs(e.it[0]));
    assert.deepEqual(labels.filter((l, i) => labels.indexOf(l) !== i), []);
  });

  test('partners of the best matches come forward, and say which match and which project', async () => {
    const project = randomUUID();
    await db.query(`INSERT INTO project (id, programme, reference, acronym, title) VALUES ($1, 'h2020', $2, 'GLOWSKIN', 'Glow')`, [project, `t-${project}`]);
    const seed = randomUUID();
    const partner = randomUUID();
    const loner = randomUUID();
    const elsewhere = randomUUID();
    const ref = `project:${project}`;
    await doc({ id: seed, name: 'Seedfield Institute', textEn: 'Photoprotection of hair fibres and keratin repair.', networkRefs: [ref] });
    // no word of the need: only the shared project can bring it in
    await doc({ id: partner, name: 'Partnerwell Polymers', textEn: 'Rheology of thickeners.', networkRefs: [ref] });
    // one word of the need, no shared project
    await doc({ id: loner, name: 'Lonely Keratin Works', textEn: 'Keratin supplements.' });
    await doc({ id: elsewhere, name: 'Far Partner', textEn: 'Rheology.', networkRefs: [ref], clusterIds: [clusterB] });
    const r = await match('photoprotection of hair fibres, keratin repair', { types: ['organisation'], clusterIds: [clusterA], locale: 'en' });
    const names = r.map((i) => i.name);
    // one shared project with the best match: right after it
    assert.deepEqual(names.slice(0, 2), ['Seedfield Institute', 'Partnerwell Polymers']);
    const item = r.find((i) => i.id === partner);
    assert.ok(item, `the project partner is suggested: ${names.join(', ')}`);
    assert.deepEqual(item.why.network, [{ id: seed, name: 'Seedfield Institute', projects: ['GLOWSKIN'] }]);
    assert.deepEqual(item.why.words, []);
    assert.ok(names.indexOf('Partnerwell Polymers') < names.indexOf('Lonely Keratin Works'), `partner above a one-word match: ${names.join(', ')}`);
    assert.ok(!r.some((i) => i.id === elsewhere), 'the filters hold for partners too');
    for (const i of r) assert.ok(i.why.words.length + i.why.concepts.length + i.why.network.length > 0, `${i.name} says why`);
    // without the shared project the partner is not a match at all
    await doc({ id: partner, name: 'Partnerwell Polymers', textEn: 'Rheology of thickeners.' });
    const again = await match('photoprotection of hair fibres, keratin repair', { types: ['organisation'], clusterIds: [clusterA], locale: 'en' });
    assert.ok(!again.some((i) => i.id === partner));
  });

  test('on a large index the first stage reads the heaviest groups within its budget of postings, or the intersection of two', () => {
    const groups = [{ postings: 6000 }, { postings: 3000 }, { postings: 5000 }, { postings: 500 }];
    assert.deepEqual(firstStage(groups, groups, 100_000), { stageA: groups.slice(0, 2), also: null });
    assert.deepEqual(firstStage(groups, groups, 10_000), { stageA: groups, also: null }, 'a small index reads them all');
    // no selective group: the three heaviest, within the budget
    const common = [{ postings: 12_000 }, { postings: 15_000 }, { postings: 30_000 }, { postings: 40_000 }];
    assert.deepEqual(firstStage(common, [], 10_000), { stageA: common.slice(0, 3), also: null });
    // one group over the budget: the documents holding it and the next heaviest
    assert.deepEqual(firstStage(common, [], 100_000), { stageA: [common[0]], also: common[1] });
    // ... unless their intersection would be expected to be too small to fill the pool
    assert.deepEqual(firstStage([{ postings: 12_000 }, { postings: 100 }], [], 100_000), { stageA: [{ postings: 12_000 }], also: null });
    assert.deepEqual(firstStage([{ postings: 40_000 }], [], 100_000), { stageA: [{ postings: 40_000 }], also: null });
  });

  test('the language of a need is told by its function words', () => {
    assert.equal(guessLanguage(wordsOf('Cerchiamo un laboratorio per la stabilità delle emulsioni').map((w) => w.folded)), 'it');
    assert.equal(guessLanguage(wordsOf('We look for a laboratory for the stability of emulsions').map((w) => w.folded)), 'en');
    assert.equal(guessLanguage(['emulsioni']), undefined);
  });
});
