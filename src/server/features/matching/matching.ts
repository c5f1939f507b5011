import type { Db } from '../../db/db.ts';
import { type Actor, type RoleGrant, canManageCluster, hasRole, isMemberOf, organisationIdsOf, staffClusterIds } from '../../lib/auth.ts';
import { ConflictError, ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '../../lib/errors.ts';
import { type Locale, inLocale, translator } from '../../lib/i18n.ts';
import { type JobHandlers, enqueueEmail, enqueueJob } from '../../lib/jobs.ts';
import { mailLink } from '../../lib/mail.ts';
import { type MatchInput, type MatchItem, matchDocuments } from '../search/search.match.ts';
import { reindexStale } from '../search/search.ts';
import {
  type ProfileCardRow,
  type ProfileRow,
  type SavedSearchRow,
  claimSavedSearch,
  countFutureDigestJobs,
  countPendingDigestJobs,
  countSavedSearches,
  deleteSavedSearchRow,
  digestClock,
  insertSavedSearch,
  lockDigestQueue,
  selectActiveClusters,
  selectConceptChoices,
  selectConceptLabels,
  selectDueSavedSearches,
  selectFreshProfileIds,
  selectOrganisationForMatching,
  selectOrganisationNames,
  selectProfile,
  selectProfileCards,
  selectProfileIdsOf,
  selectSavedSearch,
  selectSavedSearches,
  selectSearcher,
  selectStageConcepts,
  setLastChecked,
} from './matching.queries.ts';
import {
  type ForYouOut,
  type ForYouQuery,
  type ProfileType,
  type ResultsOut,
  type SavedSearchIn,
  type SavedSearchOut,
  type Side,
  type SuggestionItem,
  type SuggestionsOut,
  type SuggestionsQuery,
  offerTypes,
  profileTypes,
  requestTypes,
} from './matching.schemas.ts';

/*
 * Matchmaking (issue 5): what fits a marketplace profile, what fits an organisation, and saved searches with digests.
 * The ranking is the search module's (matchDocuments); this feature builds its input from a profile or an
 * organisation, applies the visibility scope (DESIGN.md "Visibility"), and explains each result in the reader's language.
 *
 * Anonymity: a profile result carries its title, never its owner when the profile is anonymous (the owner columns are
 * nulled in SQL, selectProfileCards), whoever the reader is.
 */

const researchCategories = ['university', 'research_institute', 'irccs'];
const companyCategories = ['company', 'consortium'];
const isOffer = (type: string) => (offerTypes as readonly string[]).includes(type);
const isRequest = (type: string) => (requestTypes as readonly string[]).includes(type);

export function sideOfCategory(category: string | null): Side | null {
  if (category && researchCategories.includes(category)) return 'research';
  if (category && companyCategories.includes(category)) return 'company';
  return null;
}

/**
 * Supplier or producer, from validated stage competences (or a profile's stage concepts): raw materials or packaging
 * make a supplier, formulation or manufacturing a producer; both or neither say nothing.
 */
export function stageSide(conceptIds: string[]): Side | null {
  const under = (root: string) => conceptIds.some((c) => c === root || c.startsWith(`${root}.`));
  const supplier = under('stage.raw-materials') || under('stage.packaging');
  const producer = under('stage.formulation') || under('stage.manufacturing');
  if (supplier === producer) return null;
  return supplier ? 'supplier' : 'producer';
}

/**
 * The organisation categories that complement the source: a research organisation looks for companies (its offers
 * are taken up, its partner searches answered by companies); a company's need (request, partner search) and a
 * company as a whole look for research organisations. A company's offer boosts nobody: its takers are companies
 * like any other.
 */
export function complementaryCategories(ownerCategory: string | null, profileType: string | null): string[] {
  const side = sideOfCategory(ownerCategory);
  if (side === 'research') return companyCategories;
  if (side === 'company' && (profileType === null || isRequest(profileType))) return researchCategories;
  return [];
}

/** Supplier ↔ producer as a ranking rule: documents whose stage concepts put them on the other side of the source's. */
export function complementsStage(stage: Side | null): ((doc: { conceptIds: string[] }) => boolean) | undefined {
  if (!stage) return undefined;
  return (doc) => {
    const other = stageSide(doc.conceptIds);
    return other !== null && other !== stage;
  };
}

/** The profile types that answer a profile: requests get offers, offers get requests. */
export function reverseTypes(type: string): ProfileType[] {
  return isOffer(type) ? [...requestTypes] : [...offerTypes];
}

type Scope = { clusterIds: string[] | null; allClusters: boolean; canWiden: boolean };

/** Region officers and platform admins search every cluster; others their own, and every cluster's public profiles on request. */
export function scopeFor(roles: Pick<RoleGrant, 'role'>[], ownClusters: string[], allClusters: boolean): Scope {
  if (roles.some((r) => r.role === 'region' || r.role === 'platform_admin')) return { clusterIds: null, allClusters: true, canWiden: false };
  // no cluster of one's own (a signed-in user without a membership): every cluster's public profiles
  if (ownClusters.length === 0) return { clusterIds: null, allClusters: true, canWiden: false };
  if (allClusters) return { clusterIds: null, allClusters: true, canWiden: true };
  return { clusterIds: ownClusters, allClusters: false, canWiden: true };
}

const joinText = (...parts: (string | null | undefined)[]) => parts.filter((p): p is string => !!p && p.trim() !== '').join('\n');

function langOf(textIt: string, textEn: string): 'it' | 'en' | undefined {
  if (textIt && !textEn) return 'it';
  if (textEn && !textIt) return 'en';
  return undefined;
}

/** The ranking is the search module's; organisation documents queued as stale are rebuilt first, as search() does. */
async function match(db: Db, input: MatchInput): Promise<MatchItem[]> {
  await reindexStale(db);
  return matchDocuments(db, input);
}

type Source = { side: Side | null; stage: Side | null };

/** Results of matchDocuments made into cards: profiles get their title and (unless anonymous) owner; each says why. */
async function toItems(db: Db, items: MatchItem[], source: Source, locale: Locale): Promise<SuggestionItem[]> {
  const t = translator(locale);
  const profileIds = items.filter((i) => i.type === 'profile').map((i) => i.id);
  const cards = new Map((await selectProfileCards(db, profileIds)).map((c) => [c.id, c]));
  const out: SuggestionItem[] = [];
  for (const item of items) {
    const card: ProfileCardRow | undefined = item.type === 'profile' ? cards.get(item.id) : undefined;
    // a profile closed since it was indexed is not suggested
    if (item.type === 'profile' && !card) continue;
    let complementarity: SuggestionItem['why']['complementarity'] = null;
    // an anonymous profile's category is its owner's: neither it nor a complementarity built on it is shown
    const category = card && card.owner_id === null ? null : item.category;
    const to = sideOfCategory(category);
    if (item.why.complementary && source.side && to && to !== source.side) {
      complementarity = { from: source.side, to, label: t('matching.pair', { from: t(`matching.side.${source.side}`), to: t(`matching.side.${to}`) }) };
    } else if (source.stage) {
      // the concepts the ranking's boostIf read, so a boost is always explained
      const other = stageSide(item.conceptIds);
      if (other && other !== source.stage) {
        complementarity = { from: source.stage, to: other, label: t('matching.pair', { from: t(`matching.side.${source.stage}`), to: t(`matching.side.${other}`) }) };
      }
    }
    const why = { concepts: item.why.concepts, words: item.why.words, complementarity, network: item.why.network };
    if (card) {
      // the summary in the language of the title shown
      const title = inLocale(locale, card.title_it, card.title_en);
      out.push({
        type: 'profile',
        id: item.id,
        name: title.text,
        lang: title.lang === locale ? null : title.lang,
        category,
        profileType: card.type as ProfileType,
        summary: (title.lang === 'en' ? card.summary_en : card.summary_it) || null,
        owner: card.owner_id && card.owner_name ? { id: card.owner_id, name: card.owner_name } : null,
        url: `/${locale}/marketplace/${item.id}`,
        score: item.score,
        why,
      });
    } else {
      out.push({
        type: 'organisation',
        id: item.id,
        name: item.name,
        lang: null,
        category: item.category,
        profileType: null,
        summary: null,
        owner: null,
        url: `/${locale}/organisations/${item.id}`,
        score: item.score,
        why,
      });
    }
  }
  return out;
}

function canSeeSuggestions(actor: Actor | null, profile: ProfileRow): boolean {
  return isMemberOf(actor, profile.organisation_id) || canManageCluster(actor, profile.cluster_id) || hasRole(actor, 'platform_admin');
}

/**
 * What fits a profile: for a need (technology request, R&D partner search, business request) the organisations and
 * the published offers; for an offer the published requests and the organisations. The owner's users, the cluster's
 * staff, region officers and platform admins may ask.
 */
export async function suggestionsForProfile(db: Db, actor: Actor | null, input: { profileId: string; query: SuggestionsQuery; locale: Locale }): Promise<SuggestionsOut> {
  if (!actor) throw new UnauthorizedError();
  const profile = await selectProfile(db, input.profileId);
  if (!profile) throw new NotFoundError('profile');
  if (!canSeeSuggestions(actor, profile)) throw new ForbiddenError();
  const locale = input.locale;
  const scope = scopeFor(actor.roles, [profile.cluster_id], input.query.allClusters);
  const textIt = joinText(profile.title_it, profile.summary_it, profile.description_it, profile.innovation_it, profile.partner_sought);
  const textEn = joinText(profile.title_en, profile.summary_en, profile.description_en, profile.innovation_en);
  const ownStages = (await selectStageConcepts(db, [profile.organisation_id])).map((r) => r.concept_id);
  const source: Source = { side: sideOfCategory(profile.owner_category), stage: stageSide([...profile.concept_ids, ...ownStages]) };
  const base: MatchInput = {
    text: joinText(textIt, textEn),
    lang: langOf(textIt, textEn),
    conceptIds: profile.concept_ids,
    types: ['organisation'],
    clusterIds: scope.clusterIds,
    excludeIds: [profile.organisation_id, ...(await selectProfileIdsOf(db, [profile.organisation_id])), profile.id],
    boostCategories: complementaryCategories(profile.owner_category, profile.type),
    boostIf: complementsStage(source.stage),
    limit: 10,
    locale,
  };
  const organisations = await toItems(db, await match(db, base), source, locale);
  const profiles = await toItems(db, await match(db, { ...base, types: ['profile'], subtypes: reverseTypes(profile.type) }), source, locale);
  const title = inLocale(locale, profile.title_it, profile.title_en);
  return {
    profile: { id: profile.id, type: profile.type as ProfileType, title: title.text, titleLang: title.lang, status: profile.status },
    scope: { allClusters: scope.allClusters, canWiden: scope.canWiden },
    organisations,
    profiles,
  };
}

/** "Suggested for you": published profiles that fit the reader's organisation (its description and validated competences). */
export async function suggestionsForOrganisation(db: Db, actor: Actor | null, input: { query: ForYouQuery; locale: Locale }): Promise<ForYouOut> {
  if (!actor) throw new UnauthorizedError();
  const mine = organisationIdsOf(actor);
  if (mine.length === 0) throw new ForbiddenError();
  const names = await selectOrganisationNames(db, mine);
  const chosen = input.query.organisation ?? names[0]?.id;
  if (!chosen || !mine.includes(chosen)) throw new ForbiddenError();
  const org = await selectOrganisationForMatching(db, chosen);
  if (!org) throw new NotFoundError('organisation');
  const missing: ForYouOut['missing'] = [];
  if (!org.description_it?.trim() && !org.description_en?.trim()) missing.push('description');
  if (org.concept_ids.length === 0) missing.push('competences');
  const scope = scopeFor(actor.roles, org.active_cluster_ids, input.query.allClusters);
  const textIt = joinText(org.description_it, org.text_it);
  const textEn = joinText(org.description_en, org.text_en);
  let items: SuggestionItem[] = [];
  if (textIt || textEn || org.concept_ids.length > 0) {
    const found = await match(db, {
      text: joinText(textIt, textEn),
      lang: langOf(textIt, textEn),
      conceptIds: org.concept_ids,
      types: ['profile'],
      clusterIds: scope.clusterIds,
      excludeIds: [org.id, ...(await selectProfileIdsOf(db, [org.id]))],
      boostCategories: complementaryCategories(org.category, null),
      boostIf: complementsStage(stageSide(org.concept_ids)),
      limit: 20,
      locale: input.locale,
      // an organisation's description and competences span many topics: a profile answering one of them fits
      minCoverage: 0,
    });
    items = await toItems(db, found, { side: sideOfCategory(org.category), stage: stageSide(org.concept_ids) }, input.locale);
  }
  return {
    organisation: { id: org.id, name: org.legal_name },
    organisations: names.map((n) => ({ id: n.id, name: n.legal_name })),
    missing,
    scope: { allClusters: scope.allClusters, canWiden: scope.canWiden },
    items,
  };
}

// ---- saved searches

const iso = (d: Date | string) => new Date(d).toISOString();

export function savedSearchOut(r: SavedSearchRow): SavedSearchOut {
  return {
    id: r.id,
    name: r.name,
    query: r.query,
    filters: {
      profileTypes: (r.filters.profileTypes ?? []).filter((v): v is ProfileType => (profileTypes as readonly string[]).includes(v)),
      conceptIds: r.filters.conceptIds ?? [],
      allClusters: !!r.filters.allClusters,
    },
    frequency: r.frequency,
    locale: r.locale,
    lastCheckedAt: iso(r.last_checked_at),
    createdAt: iso(r.created_at),
  };
}

export const maxSavedSearches = 20;

/** Every unknown or retired concept named by its position, as the request sent it. */
async function checkConcepts(db: Db, conceptIds: string[]): Promise<string[]> {
  const known = new Set((await selectConceptLabels(db, conceptIds)).filter((c) => !c.retired).map((c) => c.id));
  const fields: Record<string, string> = {};
  conceptIds.forEach((id, i) => {
    if (!known.has(id)) fields[`conceptIds.${i}`] = 'unknown_concept';
  });
  if (Object.keys(fields).length > 0) throw new ValidationError(fields);
  return [...new Set(conceptIds)];
}

export async function createSavedSearch(db: Db, actor: Actor | null, input: SavedSearchIn): Promise<SavedSearchOut> {
  if (!actor) throw new UnauthorizedError();
  const conceptIds = await checkConcepts(db, input.conceptIds);
  return db.transaction(async (tx) => {
    if ((await countSavedSearches(tx, actor.userId)) >= maxSavedSearches) {
      throw new ConflictError('too_many_saved_searches', `At most ${maxSavedSearches} saved searches per user`);
    }
    const row = await insertSavedSearch(tx, {
      userId: actor.userId,
      name: input.name ?? input.query.slice(0, 120),
      query: input.query,
      filters: { profileTypes: [...new Set(input.profileTypes)], conceptIds, allClusters: input.allClusters },
      frequency: input.frequency,
      locale: input.locale ?? actor.locale,
    });
    return savedSearchOut(row);
  });
}

export async function listSavedSearches(db: Db, actor: Actor | null): Promise<{ items: SavedSearchOut[] }> {
  if (!actor) throw new UnauthorizedError();
  return { items: (await selectSavedSearches(db, actor.userId)).map(savedSearchOut) };
}

/** One's own saved search; someone else's is not found (its existence is nobody else's business). */
async function ownSavedSearch(db: Db, actor: Actor | null, id: string): Promise<SavedSearchRow> {
  if (!actor) throw new UnauthorizedError();
  const row = await selectSavedSearch(db, id);
  if (!row || row.user_id !== actor.userId) throw new NotFoundError('saved search');
  return row;
}

export async function deleteSavedSearch(db: Db, actor: Actor | null, id: string): Promise<void> {
  await ownSavedSearch(db, actor, id);
  await deleteSavedSearchRow(db, id);
}

/** Runs a saved search for its owner: published profiles, ranked, with why. */
async function savedSearchMatches(db: Db, roles: RoleGrant[], s: SavedSearchRow, locale: Locale, limit: number): Promise<SuggestionItem[]> {
  const orgIds = organisationIdsOf({ roles });
  const own = [...(await selectActiveClusters(db, orgIds)), ...staffClusterIds({ roles })];
  const scope = scopeFor(roles, [...new Set(own)], !!s.filters.allClusters);
  const subtypes = s.filters.profileTypes?.length ? s.filters.profileTypes : undefined;
  const found = await match(db, {
    text: s.query,
    conceptIds: s.filters.conceptIds ?? [],
    types: ['profile'],
    subtypes,
    clusterIds: scope.clusterIds,
    excludeIds: [...orgIds, ...(await selectProfileIdsOf(db, orgIds))],
    limit,
    locale,
  });
  return toItems(db, found, { side: null, stage: null }, locale);
}

export async function savedSearchResults(db: Db, actor: Actor | null, input: { id: string; locale: Locale }): Promise<ResultsOut> {
  const row = await ownSavedSearch(db, actor, input.id);
  return { search: savedSearchOut(row), items: await savedSearchMatches(db, (actor as Actor).roles, row, input.locale, 20) };
}

/** A search tried before it is saved: the same results its digests would draw from. */
export async function previewSavedSearch(db: Db, actor: Actor | null, input: { search: SavedSearchIn; locale: Locale }): Promise<{ items: SuggestionItem[] }> {
  if (!actor) throw new UnauthorizedError();
  const conceptIds = await checkConcepts(db, input.search.conceptIds);
  const row = {
    query: input.search.query,
    filters: { profileTypes: input.search.profileTypes, conceptIds, allClusters: input.search.allClusters },
  } as SavedSearchRow;
  return { items: await savedSearchMatches(db, actor.roles, row, input.locale, 20) };
}

export async function conceptChoices(db: Db) {
  return (await selectConceptChoices(db)).map((c) => ({ id: c.id, scheme: c.scheme, label: { it: c.label_it, en: c.label_en } }));
}

// ---- digests

export const digestJob = 'matching.digest';
/** "Immediate" saved searches are looked at on every run. */
export const digestEveryMs = 5 * 60_000;
/** How deep in the ranking a digest looks for profiles published since the last check. */
export const digestDepth = 200;

/** At start: one digest run is queued, whatever the number of instances starting (idempotent). */
export async function ensureDigestQueued(db: Db): Promise<boolean> {
  return db.transaction(async (tx) => {
    await lockDigestQueue(tx);
    if ((await countPendingDigestJobs(tx, digestJob)) > 0) return false;
    await enqueueJob(tx, digestJob, {});
    return true;
  });
}

async function queueNextDigest(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    await lockDigestQueue(tx);
    if ((await countFutureDigestJobs(tx, digestJob)) === 0) await enqueueJob(tx, digestJob, {}, new Date(Date.now() + digestEveryMs));
  });
}

/**
 * One digest run: queues the next run first (a failure below never ends the chain), then for each saved search that
 * is due, the profiles among its top matches that were published since it was last checked; if any, one e-mail in
 * the search's language. The e-mail and the new last_checked_at commit together, and a search is claimed only if
 * nobody moved it since it was read, so a retried or doubled run never sends twice.
 */
export async function runDigests(db: Db, opts: { publicUrl: string }): Promise<{ checked: number; sent: number }> {
  await queueNextDigest(db);
  const { now, until } = await digestClock(db);
  const due = await selectDueSavedSearches(db, now, 500);
  let sent = 0;
  const failures: string[] = [];
  for (const s of due) {
    try {
      if (await digestOne(db, s, until, opts.publicUrl)) sent++;
    } catch (err) {
      failures.push(`${s.id}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (failures.length > 0) throw new Error(`saved-search digests failed: ${failures.join('; ')}`);
  return { checked: due.length, sent };
}

async function digestOne(db: Db, s: SavedSearchRow & { checked_text: string }, until: string, publicUrl: string): Promise<boolean> {
  const user = await selectSearcher(db, s.user_id);
  let fresh: SuggestionItem[] = [];
  if (user && !user.disabled) {
    const items = await savedSearchMatches(db, user.roles as RoleGrant[], s, s.locale, digestDepth);
    const freshIds = new Set(await selectFreshProfileIds(db, items.map((i) => i.id), s.checked_text, until));
    fresh = items.filter((i) => freshIds.has(i.id));
  }
  return db.transaction(async (tx) => {
    if (!(await claimSavedSearch(tx, s.id, s.checked_text))) return false;
    if (fresh.length > 0 && user) {
      const t = translator(s.locale);
      const list = fresh
        .slice(0, 20)
        .map((i) => `- ${i.name} (${t(`matching.type.${i.profileType}`)})\n  ${mailLink(publicUrl, i.url)}`)
        .join('\n');
      await enqueueEmail(tx, {
        to: user.email,
        locale: s.locale,
        template: 'matching.digest',
        params: { name: s.name, count: fresh.length, list, manage: mailLink(publicUrl, `/${s.locale}/saved-searches`) },
      });
    }
    await setLastChecked(tx, s.id, until);
    return fresh.length > 0;
  });
}

export function matchingJobHandlers(db: Db, opts: { publicUrl?: string } = {}): JobHandlers {
  const publicUrl = opts.publicUrl ?? '';
  return {
    async [digestJob]() {
      await runDigests(db, { publicUrl });
    },
  };
}
