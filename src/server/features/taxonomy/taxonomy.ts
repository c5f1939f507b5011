import type { Db } from '../../db/db.ts';
import { recordAudit } from '../../lib/audit.ts';
import type { Actor } from '../../lib/auth.ts';
import { ForbiddenError, NotFoundError } from '../../lib/errors.ts';
import { type Scheme, schemes } from './taxonomy.load.ts';
import {
  type ConceptRow,
  type OverrideFields,
  deleteOverride,
  selectAtecoTitles,
  selectConcept,
  selectConcepts,
  selectConceptsByAteco,
  selectFileConcept,
  upsertOverride,
} from './taxonomy.queries.ts';
import type { ConceptDetailOut, ConceptListQuery, ConceptOut, ConceptPatch } from './taxonomy.schemas.ts';

const toOut = (r: ConceptRow, depth: number): ConceptOut => ({
  id: r.id,
  scheme: r.scheme,
  parentId: r.parent_id,
  depth,
  label: { it: r.label_it, en: r.label_en },
  definition: { it: r.definition_it, en: r.definition_en },
  synonyms: { it: r.synonyms_it, en: r.synonyms_en },
  ateco: r.ateco_codes,
  cosingFunction: r.cosing_function,
  retired: r.retired,
  overridden: r.overridden,
});

/** Every concept in tree order: schemes in their fixed order, each parent followed by its children depth-first. */
function treeOrder(rows: ConceptRow[]): ConceptOut[] {
  const ids = new Set(rows.map((r) => r.id));
  const children = new Map<string | null, ConceptRow[]>();
  for (const r of rows) {
    const key = r.parent_id && ids.has(r.parent_id) ? r.parent_id : null;
    children.set(key, [...(children.get(key) ?? []), r]);
  }
  const out: ConceptOut[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const r of children.get(parent) ?? []) {
      out.push(toOut(r, depth));
      walk(r.id, depth + 1);
    }
  };
  walk(null, 0);
  return out.sort((a, b) => schemes.indexOf(a.scheme) - schemes.indexOf(b.scheme));
}

export async function listConcepts(db: Db, q: ConceptListQuery) {
  const all = treeOrder(await selectConcepts(db, { scheme: q.scheme, includeRetired: q.includeRetired }));
  const start = (q.page - 1) * q.pageSize;
  return { items: all.slice(start, start + q.pageSize), page: q.page, pageSize: q.pageSize, total: all.length };
}

/** The four schemes as trees, for the public page. */
export async function conceptTree(db: Db): Promise<Record<Scheme, ConceptOut[]>> {
  const all = treeOrder(await selectConcepts(db, {}));
  return Object.fromEntries(schemes.map((s) => [s, all.filter((c) => c.scheme === s)])) as Record<Scheme, ConceptOut[]>;
}

export async function getConcept(db: Db, id: string): Promise<ConceptDetailOut> {
  const all = await selectConcepts(db, { includeRetired: true });
  const byId = new Map(all.map((r) => [r.id, r]));
  const row = byId.get(id);
  if (!row) throw new NotFoundError();
  const ancestors: ConceptRow[] = [];
  for (let p = row.parent_id ? byId.get(row.parent_id) : undefined; p && ancestors.length < 20; p = p.parent_id ? byId.get(p.parent_id) : undefined) {
    ancestors.unshift(p);
  }
  const label = (r: ConceptRow) => ({ id: r.id, label: { it: r.label_it, en: r.label_en } });
  const titles = await selectAtecoTitles(db, row.ateco_codes);
  return {
    ...toOut(row, ancestors.length),
    atecoLinks: titles.map((t) => ({ code: t.code, title: { it: t.title_it, en: t.title_en } })),
    children: all.filter((r) => r.parent_id === id && !r.retired).map(label),
    ancestors: ancestors.map(label),
  };
}

/** Competences a member's ATECO codes suggest: concepts linked to a code or to one of its ancestors, most specific first. */
export async function suggestConcepts(db: Db, codes: string[]) {
  const rows = await selectConceptsByAteco(db, codes);
  return { items: rows.map((r) => ({ ...toOut(r, 0), matchedAteco: r.matched })) };
}

/** Any cluster's staff and platform admins curate the shared taxonomy. */
export function canEditTaxonomy(actor: Actor | null): boolean {
  return !!actor?.roles.some((r) => r.role === 'staff' || r.role === 'platform_admin');
}

const editable = ['label_it', 'label_en', 'definition_it', 'definition_en', 'synonyms_it', 'synonyms_en'] as const;
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const editableOf = (r: ConceptRow) => Object.fromEntries(editable.map((k) => [k, r[k]]));

/**
 * Stores the staff edit as an override. A field equal to the file's value is stored as null ("as in the file"),
 * so later versions of the file still reach the fields nobody changed.
 */
export async function updateConcept(db: Db, actor: Actor | null, input: { id: string; patch: ConceptPatch }): Promise<ConceptOut> {
  if (!actor || !canEditTaxonomy(actor)) throw new ForbiddenError();
  return db.transaction(async (tx) => {
    const file = await selectFileConcept(tx, input.id);
    const before = await selectConcept(tx, input.id);
    if (!file || !before) throw new NotFoundError();
    const override = {} as Record<keyof OverrideFields, unknown>;
    for (const k of editable) {
      const value = k in input.patch ? input.patch[k] : before[k];
      override[k] = same(value, file[k]) ? null : value;
    }
    if (editable.every((k) => override[k] === null)) await deleteOverride(tx, input.id);
    else await upsertOverride(tx, input.id, override as OverrideFields, actor.userId);
    const after = (await selectConcept(tx, input.id)) as ConceptRow;
    await recordAudit(tx, actor, {
      action: 'concept.updated',
      subjectType: 'concept',
      subjectId: input.id,
      before: editableOf(before),
      after: editableOf(after),
    });
    return toOut(after, 0);
  });
}
