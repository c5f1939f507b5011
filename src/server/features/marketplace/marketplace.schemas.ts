import { z } from 'zod';
import { calendarDate, emptyToUndefined } from '../../lib/schemas.ts';
import { categories } from '../organisations/organisations.schemas.ts';

// The Enterprise Europe Network's profile shape (migration 0015 holds the same lists as CHECK constraints).
export const profileTypes = ['technology_offer', 'technology_request', 'rd_partner_search', 'business_offer', 'business_request', 'lab_service'] as const;
export const developmentStages = ['idea', 'lab_tested', 'prototype', 'field_tested', 'on_market'] as const;
export const iprStatuses = ['secret_know_how', 'patent_applied', 'patent_granted', 'copyright', 'other'] as const;
export const partnershipTypes = [
  'licence',
  'commercial_technical_assistance',
  'research_cooperation',
  'technical_cooperation',
  'joint_venture',
  'subcontracting',
  'manufacturing',
] as const;
export const profileStatuses = ['draft', 'submitted', 'returned', 'published', 'expired', 'closed'] as const;
export type ProfileType = (typeof profileTypes)[number];
export type ProfileStatus = (typeof profileStatuses)[number];
export { categories as partnerCategories };

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => (v ? v : null));
const text = (max: number) => z.string().trim().max(max).nullish();
const date = z.union([calendarDate(), z.literal('')]).nullish();

export const ProfileParams = z.object({ id: z.uuid() });

/** The fields an owner writes; empty texts count as absent, lists as empty. */
const fields = {
  type: z.enum(profileTypes),
  titleIt: text(200),
  titleEn: text(200),
  summaryIt: text(1000),
  summaryEn: text(1000),
  descriptionIt: text(10000),
  descriptionEn: text(10000),
  innovationIt: text(4000),
  innovationEn: text(4000),
  developmentStage: z.enum(developmentStages).nullish(),
  trl: z.number().int().min(1).max(9).nullish(),
  iprStatus: z.array(z.enum(iprStatuses)).max(5).optional(),
  iprComment: text(2000),
  partnershipTypes: z.array(z.enum(partnershipTypes)).max(7).optional(),
  partnerCategories: z.array(z.enum(categories)).max(categories.length).optional(),
  partnerSought: text(2000),
  conceptIds: z.array(z.string().trim().min(1).max(200)).max(30).optional(),
  atecoCodes: z.array(z.string().trim().min(1).max(10)).max(20).optional(),
  deadline: date,
  /** Defaults to 12 months after publication; a shorter validity may be chosen, never a longer one. */
  validUntil: date,
  anonymous: z.boolean().optional(),
};
export const profileFieldNames = Object.keys(fields) as (keyof typeof fields)[];

/**
 * A profile as its owner writes it. A draft needs its type and a title in one language; submitting needs a title and
 * a summary in the same language (checked by the domain, see submitProfile). The owner organisation and the cluster
 * may be left out when the user belongs to one organisation that is an active member of one cluster.
 */
export const ProfileIn = z
  .object({
    organisationId: z.uuid().optional(),
    clusterId: z.uuid().optional(),
    /** Optional: the same key sent again by the same organisation returns the profile it first created (no duplicate). */
    creationKey: z.uuid().optional(),
    ...fields,
  })
  .superRefine((v, ctx) => {
    if (!v.titleIt && !v.titleEn) {
      ctx.addIssue({ code: 'custom', path: ['titleIt'], params: { code: 'title_one_language' }, message: 'A title in Italian or English is needed' });
      ctx.addIssue({ code: 'custom', path: ['titleEn'], params: { code: 'title_one_language' }, message: 'A title in Italian or English is needed' });
    }
  });
export type ProfileIn = z.infer<typeof ProfileIn>;

/** PATCH: any subset of the fields; the merged profile is checked as a whole. */
export const ProfilePatch = z.object(fields).partial();

/** What the domain stores: ProfileIn with empty texts as null and lists without duplicates. */
export type ProfileData = {
  type: ProfileType;
  titleIt: string | null;
  titleEn: string | null;
  summaryIt: string | null;
  summaryEn: string | null;
  descriptionIt: string | null;
  descriptionEn: string | null;
  innovationIt: string | null;
  innovationEn: string | null;
  developmentStage: (typeof developmentStages)[number] | null;
  trl: number | null;
  iprStatus: (typeof iprStatuses)[number][];
  iprComment: string | null;
  partnershipTypes: (typeof partnershipTypes)[number][];
  partnerCategories: string[];
  partnerSought: string | null;
  conceptIds: string[];
  atecoCodes: string[];
  deadline: string | null;
  validUntil: string | null;
  anonymous: boolean;
};

export function normalise(v: ProfileIn): ProfileData {
  const t = (s: string | null | undefined) => (s ? s : null);
  const u = <T>(a: T[] | undefined) => [...new Set(a ?? [])];
  return {
    type: v.type,
    titleIt: t(v.titleIt),
    titleEn: t(v.titleEn),
    summaryIt: t(v.summaryIt),
    summaryEn: t(v.summaryEn),
    descriptionIt: t(v.descriptionIt),
    descriptionEn: t(v.descriptionEn),
    innovationIt: t(v.innovationIt),
    innovationEn: t(v.innovationEn),
    developmentStage: v.developmentStage ?? null,
    trl: v.trl ?? null,
    iprStatus: u(v.iprStatus),
    iprComment: t(v.iprComment),
    partnershipTypes: u(v.partnershipTypes),
    partnerCategories: u(v.partnerCategories),
    partnerSought: t(v.partnerSought),
    conceptIds: u(v.conceptIds),
    atecoCodes: u(v.atecoCodes),
    deadline: t(v.deadline),
    validUntil: t(v.validUntil),
    anonymous: v.anonymous ?? false,
  };
}

export const ReviewIn = z
  .object({
    decision: z.enum(['publish', 'return']),
    reason: optionalText(2000),
  })
  .refine((v) => v.decision !== 'return' || !!v.reason, { path: ['reason'], params: { code: 'required' }, message: 'Returning a profile needs the reasons' });
export type ReviewIn = z.infer<typeof ReviewIn>;


export const ListQuery = z.object({
  type: z.preprocess(emptyToUndefined, z.enum(profileTypes).optional()),
  concept: z.preprocess(emptyToUndefined, z.string().trim().max(200).optional()),
  /** A cluster's slug: only its profiles. */
  cluster: z.preprocess(emptyToUndefined, z.string().trim().max(100).optional()),
  /** Published by default; other statuses show only what the reader may see (own organisation, staff, Region). */
  status: z.preprocess(emptyToUndefined, z.enum(profileStatuses).default('published')),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type ListQuery = z.infer<typeof ListQuery>;

/** One page of a list that has no filters (the organisation's profiles, the validation queue). */
export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type PageQuery = z.infer<typeof PageQuery>;

const owner = z
  .object({
    id: z.string(),
    name: z.string(),
    category: z.string().nullable(),
    sizeClass: z.string().nullable(),
    provinces: z.array(z.string()),
  })
  .nullable()
  .describe('The owner organisation; null when the profile is anonymous and the reader may not see who it is');

export const ProfileOut = z.object({
  id: z.string(),
  type: z.enum(profileTypes),
  status: z.enum(profileStatuses),
  clusterId: z.string(),
  cluster: z.object({ id: z.string(), slug: z.string(), name: z.object({ it: z.string(), en: z.string() }) }),
  titleIt: z.string().nullable(),
  titleEn: z.string().nullable(),
  summaryIt: z.string().nullable(),
  summaryEn: z.string().nullable(),
  descriptionIt: z.string().nullable(),
  descriptionEn: z.string().nullable(),
  innovationIt: z.string().nullable(),
  innovationEn: z.string().nullable(),
  developmentStage: z.enum(developmentStages).nullable(),
  trl: z.number().nullable(),
  iprStatus: z.array(z.enum(iprStatuses)),
  iprComment: z.string().nullable(),
  partnershipTypes: z.array(z.enum(partnershipTypes)),
  partnerCategories: z.array(z.string()),
  partnerSought: z.string().nullable(),
  concepts: z.array(z.object({ id: z.string(), label: z.object({ it: z.string(), en: z.string() }) })),
  atecoCodes: z.array(z.string()),
  deadline: z.string().nullable(),
  validUntil: z.string().nullable(),
  anonymous: z.boolean(),
  owner,
  /** The staff's reasons when the profile was returned: for the owner and the staff only. */
  returnReason: z.string().nullable(),
  submittedAt: z.string().nullable(),
  publishedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  updatedAt: z.string(),
  /** What the reader may do with it now. */
  actions: z.object({ edit: z.boolean(), submit: z.boolean(), review: z.boolean(), close: z.boolean(), renew: z.boolean() }),
});
export type ProfileOut = z.infer<typeof ProfileOut>;

export const ProfileList = z.object({ items: z.array(ProfileOut), page: z.number(), pageSize: z.number(), total: z.number() });
export type ProfileList = z.infer<typeof ProfileList>;
