import { z } from 'zod';
import { emptyToUndefined } from '../../lib/schemas.ts';

export const profileTypes = ['technology_offer', 'technology_request', 'rd_partner_search', 'business_offer', 'business_request', 'lab_service'] as const;
export type ProfileType = (typeof profileTypes)[number];
export const offerTypes = ['technology_offer', 'business_offer', 'lab_service'] as const satisfies readonly ProfileType[];
export const requestTypes = ['technology_request', 'rd_partner_search', 'business_request'] as const satisfies readonly ProfileType[];
export const frequencies = ['immediate', 'daily', 'weekly'] as const;
/** One side of a complementary pair: what the reader's side is, and what the result's side is. */
export const sides = ['research', 'company', 'supplier', 'producer'] as const;
export type Side = (typeof sides)[number];

/** Checkbox semantics for query strings: present with 1/true/on is true; absent is false. */
const flag = z.preprocess((v) => (v === '' || v === undefined ? undefined : v), z.enum(['1', 'true', 'on', '0', 'false']).optional()).transform((v) => v === '1' || v === 'true' || v === 'on');
const conceptId = z.string().trim().regex(/^[a-z0-9]+(\.[a-z0-9-]+)*$/).max(200);

export const ProfileParams = z.object({ id: z.uuid() });
export const SavedSearchParams = z.object({ id: z.uuid() });

export const SuggestionsQuery = z.object({
  allClusters: flag,
  lang: z.preprocess(emptyToUndefined, z.enum(['it', 'en']).optional()),
});
export type SuggestionsQuery = z.output<typeof SuggestionsQuery>;

export const ForYouQuery = SuggestionsQuery.extend({
  organisation: z.preprocess(emptyToUndefined, z.uuid().optional()),
});
export type ForYouQuery = z.output<typeof ForYouQuery>;

const bool = z.preprocess((v) => (v === 'on' || v === '1' || v === 'true' ? true : v === '' || v === '0' || v === 'false' ? false : v), z.boolean());

export const SavedSearchIn = z.object({
  name: z.preprocess(emptyToUndefined, z.string().trim().max(120).optional()),
  query: z.string().trim().min(1).max(200),
  profileTypes: z.array(z.enum(profileTypes)).max(profileTypes.length).default([]),
  conceptIds: z.array(conceptId).max(10).default([]),
  allClusters: bool.default(false),
  frequency: z.enum(frequencies).default('weekly'),
  locale: z.enum(['it', 'en']).optional(),
});
export type SavedSearchIn = z.output<typeof SavedSearchIn>;

export const SavedSearchOut = z.object({
  id: z.string(),
  name: z.string(),
  query: z.string(),
  filters: z.object({ profileTypes: z.array(z.enum(profileTypes)), conceptIds: z.array(z.string()), allClusters: z.boolean() }),
  frequency: z.enum(frequencies),
  locale: z.enum(['it', 'en']),
  lastCheckedAt: z.string(),
  createdAt: z.string(),
});
export type SavedSearchOut = z.infer<typeof SavedSearchOut>;
export const SavedSearchList = z.object({ items: z.array(SavedSearchOut) });

export const Why = z.object({
  /** concepts both sides declare, labelled in the reader's language */
  concepts: z.array(z.object({ id: z.string(), label: z.string() })),
  /** words of the source's text found in the result's text */
  words: z.array(z.string()),
  /** the complementary pair, e.g. research ↔ company, with its label in the reader's language */
  complementarity: z.object({ from: z.enum(sides), to: z.enum(sides), label: z.string() }).nullable(),
  /** better matches the result took part in projects with, and those projects' acronyms */
  network: z.array(z.object({ id: z.string(), name: z.string(), projects: z.array(z.string()) })),
});
export type Why = z.infer<typeof Why>;

export const SuggestionItem = z.object({
  type: z.enum(['organisation', 'profile']),
  id: z.string(),
  /** the organisation's name, or the profile's title (never the owner of an anonymous profile) */
  name: z.string(),
  /** set when the name (and summary) is in the other language: the reader's has none */
  lang: z.enum(['it', 'en']).nullable(),
  category: z.string().nullable(),
  profileType: z.enum(profileTypes).nullable(),
  summary: z.string().nullable(),
  /** the profile's owner, null when the profile is anonymous (and for organisation results) */
  owner: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** the page of the result, in the reader's language */
  url: z.string(),
  score: z.number(),
  why: Why,
});
export type SuggestionItem = z.infer<typeof SuggestionItem>;

export const Scope = z.object({ allClusters: z.boolean(), canWiden: z.boolean() });

export const SuggestionsOut = z.object({
  /** titleLang: the language the title is written in (the reader's when it exists in both) */
  profile: z.object({ id: z.string(), type: z.enum(profileTypes), title: z.string(), titleLang: z.enum(['it', 'en']), status: z.string() }),
  scope: Scope,
  organisations: z.array(SuggestionItem),
  profiles: z.array(SuggestionItem),
});
export type SuggestionsOut = z.infer<typeof SuggestionsOut>;

export const ForYouOut = z.object({
  organisation: z.object({ id: z.string(), name: z.string() }),
  organisations: z.array(z.object({ id: z.string(), name: z.string() })),
  /** what is missing for good suggestions: a description, validated competences */
  missing: z.array(z.enum(['description', 'competences'])),
  scope: Scope,
  items: z.array(SuggestionItem),
});
export type ForYouOut = z.infer<typeof ForYouOut>;

export const PreviewOut = z.object({ items: z.array(SuggestionItem) });

export const ResultsOut = z.object({ search: SavedSearchOut, items: z.array(SuggestionItem) });
export type ResultsOut = z.infer<typeof ResultsOut>;
