import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../../db/db.ts';
import { createTestDb } from '../../testing/db.ts';
import { buildCluster, buildMembership, buildOrganisation } from '../../testing/factories.ts';
import type { Reader } from '../competences/competences.queries.ts';
import { explain, search } from './search.ts';

const visitor: Reader = { orgIds: [], staffClusterIds: [] };

describe('competence search (domain)', () => {
  let db: Db;
  const ids: Record<string, string> = {};
  let clusterId: string;
  let otherCluster: string;

  const competence = (org: string, conceptId: string, o: { status?: string; visibility?: string; description?: string } = {}) =>
    db.query(
      `INSERT INTO organisation_competence (organisation_id, concept_id, kind, description, visibility, status) VALUES ($1, $2, 'service', $3, $4, $5)`,
      [org, conceptId, o.description ?? null, o.visibility ?? 'public', o.status ?? 'validated'],
    );
  const find = async (q: string, extra: Record<string, string> = {}, reader = visitor) => search(db, reader, { q, ...extra });
  const found = async (q: string, extra: Record<string, string> = {}) => (await find(q, extra)).items.map((i) => i.organisation.id);

  before(async () => {
    db = await createTestDb();
    const cluster = await buildCluster(db);
    clusterId = cluster.id;
    const other = await buildCluster(db);
    otherCluster = other.id;
    const outsider = await buildOrganisation(db);
    await buildMembership(db, other.id, outsider.id);
    ids.outsider = outsider.id;
    const org = async (key: string, o: Parameters<typeof buildOrganisation>[1], d: { it?: string; en?: string }) => {
      const row = await buildOrganisation(db, o);
      await db.query('UPDATE organisation SET description_it = $2, description_en = $3 WHERE id = $1', [row.id, d.it ?? null, d.en ?? null]);
      await buildMembership(db, cluster.id, row.id);
      ids[key] = row.id;
    };
    // English-only profile: description in English, competences described in English.
    await org('en', { legal_name: 'Northfield Labs Srl' }, { en: 'Co-packing for cosmetic brands, skin care emollients and perfume compositions.' });
    await competence(ids.en, 'stage.filling.filling', { description: 'Tube and jar filling lines' });
    await competence(ids.en, 'function.skin-conditioning-emollient', { description: 'Emollient esters' });
    // Italian-only profile, no competences: only its text can match.
    await org('it', { legal_name: 'Officina Lariana Srl' }, { it: 'Cosmèsi naturale: produzione per conto terzi di creme e sieri.' });
    // A second co-packer, a university in Bergamo.
    await org('bg', { legal_name: 'Ateneo di prova', category: 'university', seatMunicipality: '016024' }, { en: 'Research on co-packing lines.' });
    await competence(ids.bg, 'stage.filling.filling');
    // Declarations the public must not find.
    await org('hidden', { legal_name: 'Riservata Spa' }, {});
    await competence(ids.hidden, 'tech.encapsulation', { status: 'submitted', description: 'Zorblaxite microcapsules' });
    await competence(ids.hidden, 'tech.extraction', { visibility: 'members', description: 'Quintorvane supercritical extraction' });
  });
  after(() => db.close());

  test('a validated participation adds the project’s text and reference to the organisation, and follows edits', async () => {
    const [p] = await db.query<{ id: string }>(
      `INSERT INTO project (programme, reference, acronym, title, summary, language) VALUES ('life', 'LIFE-T-1', 'BRIOSCA', 'Recupero di scarti di vinificazione', 'Estratti polifenolici', 'it') RETURNING id`,
    );
    await db.query(`INSERT INTO project_participant (project_id, organisation_id, status) VALUES ($1, $2, 'validated'), ($1, $3, 'submitted')`, [p.id, ids.it, ids.bg]);
    // A claim the staff have not checked is neither searchable nor part of the network.
    assert.deepEqual(await found('briosca'), [ids.it]);
    const [claim] = await db.query<{ network_refs: string[] }>(`SELECT network_refs FROM search_document WHERE type = 'organisation' AND id = $1`, [ids.bg]);
    assert.deepEqual(claim.network_refs, []);
    await db.query(`UPDATE project_participant SET status = 'validated' WHERE project_id = $1 AND organisation_id = $2`, [p.id, ids.bg]);
    assert.deepEqual((await found('briosca')).sort(), [ids.it, ids.bg].sort());
    const [d] = await db.query<{ network_refs: string[] }>(`SELECT network_refs FROM search_document WHERE type = 'organisation' AND id = $1`, [ids.it]);
    assert.deepEqual(d.network_refs, [`project:${p.id}`]);
    await db.query(`UPDATE project SET acronym = 'VINACCE' WHERE id = $1`, [p.id]);
    assert.deepEqual(await found('briosca'), []);
    assert.deepEqual((await found('vinacce')).sort(), [ids.it, ids.bg].sort());
    await db.query('DELETE FROM project WHERE id = $1', [p.id]);
    assert.deepEqual(await found('vinacce'), []);
    const [after] = await db.query<{ network_refs: string[] }>(`SELECT network_refs FROM search_document WHERE type = 'organisation' AND id = $1`, [ids.it]);
    assert.deepEqual(after.network_refs, []);
  });

  test('Italian queries find an English-only profile, with why', async () => {
    for (const q of ['confezionamento', 'conto terzi', 'emolliente', 'profumo']) {
      const r = await find(q);
      const item = r.items.find((i) => i.organisation.id === ids.en);
      assert.ok(item, `${q} finds the English-only profile`);
      assert.ok(item.why.concepts.length + item.why.words.length > 0, `${q}: why is not empty`);
      for (const i of r.items) assert.ok(i.why.concepts.length + i.why.words.length > 0, `${q}: every result says why`);
    }
    const emolliente = (await find('emolliente')).items.find((i) => i.organisation.id === ids.en);
    assert.deepEqual(emolliente?.why.concepts.map((c) => c.label), ['Condizionante cutaneo – emolliente']);
    const en = (await find('emolliente', { lang: 'en' })).items.find((i) => i.organisation.id === ids.en);
    assert.deepEqual(en?.why.concepts.map((c) => c.label), ['Skin conditioning – emollient']);
  });

  test('an English query finds an Italian-only profile through the taxonomy synonyms', async () => {
    const r = await find('contract manufacturing');
    const item = r.items.find((i) => i.organisation.id === ids.it);
    assert.ok(item, 'contract manufacturing finds "produzione per conto terzi"');
    assert.ok(item.why.words.length > 0);
    assert.ok(!(await found('quantum computing')).includes(ids.it));
  });

  test('accents do not matter; a one-letter typo on a concept label still finds it', async () => {
    const a = await found('cosmèsi');
    const b = await found('cosmesi');
    assert.ok(a.includes(ids.it));
    assert.deepEqual(a, b);
    const typo = await find('emoliente');
    const item = typo.items.find((i) => i.organisation.id === ids.en);
    assert.ok(item, 'emoliente finds the emollient profile');
    assert.ok(item.why.concepts.some((c) => c.id === 'function.skin-conditioning-emollient'));
  });

  test('facets count the matches and filter them', async () => {
    const r = await find('co-packing');
    assert.deepEqual(new Set(r.items.map((i) => i.organisation.id)), new Set([ids.en, ids.bg]));
    assert.equal(r.total, 2);
    assert.equal(r.facets.stage.find((f) => f.id === 'stage.filling.filling')?.count, 2);
    assert.equal(r.facets.province.find((f) => f.id === 'MI')?.count, 1);
    assert.equal(r.facets.province.find((f) => f.id === 'BG')?.count, 1);
    assert.equal(r.facets.category.find((f) => f.id === 'university')?.count, 1);
    const bg = await find('co-packing', { province: 'BG' });
    assert.deepEqual(bg.items.map((i) => i.organisation.id), [ids.bg]);
    assert.equal(bg.total, 1);
    assert.deepEqual(bg.facets.province.map((f) => f.id), ['BG']);
    const company = await find('co-packing', { category: 'company' });
    assert.deepEqual(company.items.map((i) => i.organisation.id), [ids.en]);
    // A broad stage concept filters on its narrower concepts too.
    assert.equal((await find('co-packing', { stage: 'stage.filling' })).total, 2);
    assert.equal((await find('co-packing', { stage: 'stage.manufacturing' })).total, 0);
  });

  test('submitted declarations are findable by nobody; members-only ones by the members and staff of the same cluster', async () => {
    assert.equal((await find('zorblaxite')).total, 0);
    assert.equal((await find('quintorvane')).total, 0);
    assert.equal((await find('zorblaxite', {}, { orgIds: [ids.en], staffClusterIds: [] })).total, 0);
    const member: Reader = { orgIds: [ids.en], staffClusterIds: [] };
    const seen = await find('quintorvane', {}, member);
    assert.deepEqual(seen.items.map((i) => i.organisation.id), [ids.hidden]);
    assert.deepEqual(seen.items[0].why.words, ['quintorvane']);
    // its concept counts for the entitled reader only, in the results and in the facets
    const byConcept = await find('estrazione supercritica', {}, member);
    assert.ok(byConcept.items.some((i) => i.organisation.id === ids.hidden && i.why.concepts.some((c) => c.id === 'tech.extraction')));
    assert.ok(!(await found('estrazione supercritica')).includes(ids.hidden));
    assert.equal(byConcept.facets.technology.find((f) => f.id === 'tech.extraction')?.count, 1);
    assert.ok(!(await find('estrazione supercritica')).facets.technology.some((f) => f.id === 'tech.extraction'));
    assert.equal((await find('quintorvane', {}, { orgIds: [ids.outsider], staffClusterIds: [] })).total, 0, 'a member of another cluster');
    assert.equal((await find('quintorvane', {}, { orgIds: [], staffClusterIds: [otherCluster] })).total, 0, "another cluster's staff");
    assert.equal((await find('quintorvane', {}, { orgIds: [], staffClusterIds: [clusterId] })).total, 1, "the cluster's staff");
    assert.equal((await find('quintorvane', {}, { orgIds: [], staffClusterIds: null })).total, 1, 'a region officer');
    assert.deepEqual((await explain(db, member, { q: 'quintorvane', type: 'organisation', id: ids.hidden, locale: 'it' }))?.words, ['quintorvane']);
  });

  test('organisation names are typo-tolerant; linked ingredients and facilities are searchable', async () => {
    assert.ok((await found('Northfeld Labs')).includes(ids.en), 'one letter missing');
    assert.ok((await found('Oficina Lariana')).includes(ids.it));
    await db.query(`INSERT INTO organisation_ingredient (organisation_id, inci_name, relation)
                    SELECT $1, inci_name, 'supplies' FROM cosing_ingredient WHERE inci_name = 'GLYCERIN'`, [ids.it]);
    const glycerin = await find('glycerin');
    assert.ok(glycerin.items.some((i) => i.organisation.id === ids.it && i.why.words.includes('glycerin')));
    await db.query(`INSERT INTO facility (organisation_id, kind, name, description, status, visibility)
                    VALUES ($1, 'laboratory', 'Laboratorio di reologia', 'Reometro rotazionale', 'validated', 'public')`, [ids.bg]);
    assert.ok((await found('reometro')).includes(ids.bg));
  });

  test('the why shows the words as written, accents included', async () => {
    const r = await find('cosmèsi');
    const item = r.items.find((i) => i.organisation.id === ids.it);
    assert.deepEqual(item?.why.words, ['cosmèsi']);
  });

  test('the index follows the competences: validation makes a declaration findable', async () => {
    await db.query("UPDATE organisation_competence SET status = 'validated' WHERE description = 'Zorblaxite microcapsules'");
    assert.deepEqual(await found('zorblaxite'), [ids.hidden]);
    await db.query("UPDATE organisation_competence SET status = 'rejected' WHERE description = 'Zorblaxite microcapsules'");
    assert.equal((await find('zorblaxite')).total, 0);
  });

  test('the index follows the profile: a new description and a withdrawn membership', async () => {
    await db.query('UPDATE organisation SET description_en = $2 WHERE id = $1', [ids.hidden, 'Glimmerwort sourcing']);
    assert.deepEqual(await found('glimmerwort'), [ids.hidden]);
    await db.query("UPDATE membership SET status = 'withdrawn' WHERE organisation_id = $1", [ids.hidden]);
    assert.equal((await find('glimmerwort')).total, 0);
  });

  test('explain says why one document matches, and null when it does not', async () => {
    const why = await explain(db, visitor, { q: 'emolliente', type: 'organisation', id: ids.en, locale: 'en' });
    assert.deepEqual(why?.concepts, [{ id: 'function.skin-conditioning-emollient', label: 'Skin conditioning – emollient' }]);
    assert.ok(why?.words.includes('emollient'));
    assert.equal(await explain(db, visitor, { q: 'emolliente', type: 'organisation', id: ids.it, locale: 'en' }), null);
    assert.equal(await explain(db, visitor, { q: 'quintorvane', type: 'organisation', id: ids.hidden, locale: 'it' }), null);
  });

  test('a synonym added by staff finds the concept at once (the folded vocabulary follows the taxonomy)', async () => {
    assert.equal((await find('zuppatura')).total, 0);
    await db.query(
      `INSERT INTO concept_override (concept_id, synonyms_it) SELECT id, synonyms_it || '{Zuppàtura}' FROM concept WHERE id = 'function.skin-conditioning-emollient'`,
    );
    const r = await find('zuppatura');
    const item = r.items.find((i) => i.organisation.id === ids.en);
    assert.ok(item?.why.concepts.some((c) => c.id === 'function.skin-conditioning-emollient'));
  });

  test('an empty query returns nothing', async () => {
    assert.equal((await find('')).total, 0);
  });
});
