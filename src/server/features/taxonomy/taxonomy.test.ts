import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { Db } from '../../db/db.ts';
import { dataDir, loadReferenceData } from '../../db/reference-data.ts';
import type { Actor } from '../../lib/auth.ts';
import { createTestDb } from '../../testing/db.ts';
import { buildUser } from '../../testing/factories.ts';
import { type TaxonomyFile, loadTaxonomy } from './taxonomy.load.ts';
import { getConcept, listConcepts, suggestConcepts, updateConcept } from './taxonomy.ts';

const fileText = await readFile(`${dataDir}taxonomy/cosmetics-value-chain.json`, 'utf8');
const file = JSON.parse(fileText) as TaxonomyFile;

describe('taxonomy file', () => {
  test('every concept has a unique id, a known scheme, both labels and definitions, and an existing parent', () => {
    assert.ok(file.concepts.length >= 180, `only ${file.concepts.length} concepts`);
    const ids = new Set<string>();
    for (const c of file.concepts) {
      assert.ok(!ids.has(c.id), `duplicate id ${c.id}`);
      ids.add(c.id);
      assert.match(c.id, /^[a-z0-9]+(\.[a-z0-9-]+)*$/, c.id);
      assert.ok(c.label_it?.trim() && c.label_en?.trim(), `${c.id} needs both labels`);
      assert.ok(c.definition_it?.trim() && c.definition_en?.trim(), `${c.id} needs both definitions`);
      assert.ok(Array.isArray(c.synonyms_it) && Array.isArray(c.synonyms_en), `${c.id} synonyms`);
      assert.ok(c.id.startsWith(`${c.scheme === 'technology' ? 'tech' : c.scheme}.`), `${c.id} is not in its scheme's namespace`);
    }
    for (const c of file.concepts) {
      if (c.parent) {
        assert.ok(ids.has(c.parent), `${c.id}: parent ${c.parent} missing`);
        assert.equal(file.concepts.find((p) => p.id === c.parent)?.scheme, c.scheme, `${c.id}: parent in another scheme`);
      }
    }
    for (const s of ['stage', 'technology', 'product', 'function']) {
      assert.ok(file.concepts.some((c) => c.scheme === s), `scheme ${s} missing`);
    }
  });

  test('every ATECO code exists in the ATECO 2025 file', async () => {
    const rows = parse(await readFile(`${dataDir}ateco-2025/ateco_2025.csv`, 'utf8'), { columns: true }) as { code: string }[];
    const codes = new Set(rows.map((r) => r.code));
    const linked = file.concepts.flatMap((c) => (c.ateco ?? []).map((a) => [c.id, a]));
    assert.ok(linked.length > 50);
    for (const [id, code] of linked) assert.ok(codes.has(code), `${id}: ATECO ${code} does not exist`);
  });

  test('every INCI function name of CosIng is a concept', async () => {
    const functions = JSON.parse(await readFile(`${dataDir}cosing/cosing_inci_functions.json`, 'utf8')) as Record<string, string[]>;
    const names = new Set(Object.values(functions).flat());
    assert.ok(names.size > 50);
    const covered = new Set(file.concepts.filter((c) => c.scheme === 'function').map((c) => c.cosing_function));
    for (const n of names) assert.ok(covered.has(n), `function ${n} missing`);
  });
});

describe('taxonomy loader and domain', () => {
  let db: Db;
  let staff: Actor;
  before(async () => {
    db = await createTestDb();
    const u = await buildUser(db);
    staff = { userId: u.id, email: u.email, name: 'Staff', locale: 'it', isDemo: false, roles: [{ role: 'staff', clusterId: null, organisationId: null }] };
  });
  after(() => db.close());

  test('reference data loads the whole file once; the same hash is skipped', async () => {
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM concept WHERE NOT retired');
    assert.equal(n, file.concepts.length);
    const [load] = await db.query<{ loaded_at: string }>("SELECT loaded_at::text FROM reference_load WHERE name = 'taxonomy'");
    await db.query("UPDATE concept SET label_en = 'changed behind the loader' WHERE id = 'stage.formulation'");
    await loadReferenceData(db);
    const [again] = await db.query<{ loaded_at: string }>("SELECT loaded_at::text FROM reference_load WHERE name = 'taxonomy'");
    assert.equal(again.loaded_at, load.loaded_at);
    assert.equal((await getConcept(db, 'stage.formulation')).label.en, 'changed behind the loader');
    await db.transaction((tx) => loadTaxonomy(tx, fileText));
    await db.transaction((tx) => loadTaxonomy(tx, fileText));
    assert.equal((await getConcept(db, 'stage.formulation')).label.en, 'Formulation and R&D');
    const [{ m }] = await db.query<{ m: number }>('SELECT count(*)::int AS m FROM concept');
    assert.equal(m, file.concepts.length);
  });

  test('an override survives a changed file; concepts missing from the new file retire and come back', async () => {
    await updateConcept(db, staff, { id: 'stage.manufacturing.contract', patch: { label_it: 'Produzione per conto terzi', synonyms_en: ['toll manufacturing', 'CMO'] } });
    const changed: TaxonomyFile = structuredClone(file);
    changed.version = '1.1.0';
    changed.concepts = changed.concepts.filter((c) => c.id !== 'product.men');
    const contract = changed.concepts.find((c) => c.id === 'stage.manufacturing.contract')!;
    contract.label_it = 'Produzione conto terzi (nuova versione)';
    contract.label_en = 'Contract manufacturing (new)';
    await db.transaction((tx) => loadTaxonomy(tx, JSON.stringify(changed)));
    const c = await getConcept(db, 'stage.manufacturing.contract');
    assert.equal(c.label.it, 'Produzione per conto terzi');
    assert.equal(c.label.en, 'Contract manufacturing (new)', 'a field nobody edited follows the file');
    assert.deepEqual(c.synonyms.en, ['toll manufacturing', 'CMO']);
    assert.equal(c.overridden, true);
    const men = await getConcept(db, 'product.men');
    assert.equal(men.retired, true);
    const list = await listConcepts(db, { scheme: 'product', includeRetired: false, page: 1, pageSize: 500 });
    assert.ok(!list.items.some((i) => i.id === 'product.men'));
    assert.ok((await listConcepts(db, { scheme: 'product', includeRetired: true, page: 1, pageSize: 500 })).items.some((i) => i.id === 'product.men'));
    await db.transaction((tx) => loadTaxonomy(tx, fileText));
    assert.equal((await getConcept(db, 'product.men')).retired, false);
    assert.equal((await getConcept(db, 'stage.manufacturing.contract')).label.it, 'Produzione per conto terzi');
  });

  test('an edit back to the file value clears the override; edits are audited with before and after', async () => {
    await updateConcept(db, staff, { id: 'tech.microbiome', patch: { label_en: 'Skin microbiome' } });
    const [{ n }] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM concept_override WHERE concept_id = 'tech.microbiome'");
    assert.equal(n, 1);
    await updateConcept(db, staff, { id: 'tech.microbiome', patch: { label_en: 'Microbiome' } });
    const [{ m }] = await db.query<{ m: number }>("SELECT count(*)::int AS m FROM concept_override WHERE concept_id = 'tech.microbiome'");
    assert.equal(m, 0);
    const audits = await db.query<{ before: { label_en: string }; after: { label_en: string } }>(
      "SELECT before, after FROM audit_event WHERE action = 'concept.updated' AND subject_id = 'tech.microbiome' ORDER BY id",
    );
    assert.deepEqual(audits.map((a) => [a.before.label_en, a.after.label_en]), [['Microbiome', 'Skin microbiome'], ['Skin microbiome', 'Microbiome']]);
  });

  test('a member cannot edit; an unknown concept is a 404', async () => {
    const member: Actor = { ...staff, roles: [{ role: 'member', clusterId: null, organisationId: null }] };
    await assert.rejects(updateConcept(db, member, { id: 'tech.microbiome', patch: { label_en: 'x' } }), { code: 'forbidden' });
    await assert.rejects(updateConcept(db, staff, { id: 'tech.nope', patch: { label_en: 'x' } }), { code: 'not_found' });
  });

  test('suggest: a subcategory code finds concepts linked to it or its ancestors, most specific first', async () => {
    const { items } = await suggestConcepts(db, ['20.42.00']);
    const ids = items.map((i) => i.id);
    assert.ok(ids.includes('stage.manufacturing.contract'));
    assert.ok(ids.includes('product.skin-care'));
    assert.ok(!ids.includes('stage.packaging.plastic'));
    assert.deepEqual(items.find((i) => i.id === 'stage.manufacturing')?.matchedAteco, ['20.42']);
    const rd = await suggestConcepts(db, ['72.10.00', '22.22']);
    const rdIds = rd.items.map((i) => i.id);
    assert.ok(rdIds.includes('stage.formulation') && rdIds.includes('stage.packaging.plastic'));
    assert.ok(!rdIds.includes('stage.manufacturing.contract'));
    // 20.4 is a parent of 20.42, not a descendant: a coarser member code does not match finer links
    assert.equal((await suggestConcepts(db, ['20.4'])).items.length, 0);
    assert.equal((await suggestConcepts(db, ['99.00'])).items.length, 0);
  });
});
