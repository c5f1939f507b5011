import { z } from 'zod';

export const competenceKinds = ['produces', 'service', 'research'] as const;
export const facilityKinds = ['laboratory', 'equipment', 'certified_service'] as const;
export const visibilities = ['public', 'members'] as const;
export const statuses = ['submitted', 'validated', 'rejected'] as const;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => (v ? v : null));

export const OrganisationParams = z.object({ id: z.uuid() });
export const CompetenceParams = z.object({ id: z.uuid(), competenceId: z.uuid() });
export const FacilityParams = z.object({ id: z.uuid(), facilityId: z.uuid() });
export const ReviewParams = z.object({ id: z.uuid() });

export const CompetenceIn = z.object({
  conceptId: z.string().trim().min(1).max(200),
  kind: z.enum(competenceKinds),
  description: optionalText(4000),
  evidence: optionalText(2000),
  visibility: z.enum(visibilities).default('public'),
});
export type CompetenceIn = z.infer<typeof CompetenceIn>;
export const CompetencePatch = CompetenceIn.partial();
export type CompetencePatch = z.infer<typeof CompetencePatch>;

export const FacilityIn = z.object({
  kind: z.enum(facilityKinds),
  name: z.string().trim().min(1).max(300),
  description: optionalText(4000),
  certification: optionalText(200),
  accreditationReference: optionalText(200),
  conceptIds: z.array(z.string().trim().min(1).max(200)).max(30).default([]),
  visibility: z.enum(visibilities).default('public'),
});
export type FacilityIn = z.infer<typeof FacilityIn>;
export const FacilityPatch = FacilityIn.partial();
export type FacilityPatch = z.infer<typeof FacilityPatch>;

export const ReviewIn = z
  .object({
    decision: z.enum(['validated', 'rejected']),
    note: optionalText(2000),
  })
  .refine((v) => v.decision !== 'rejected' || !!v.note, { path: ['note'], params: { code: 'required' }, message: 'A rejection needs a note' });
export type ReviewIn = z.infer<typeof ReviewIn>;

export const ListQuery = z.object({
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(100),
});
export type ListQuery = z.infer<typeof ListQuery>;

const bilingual = z.object({ it: z.string(), en: z.string() });
const review = {
  status: z.enum(statuses),
  // The review note and reviewer are shown to the owner and staff only (null for other readers).
  reviewNote: z.string().nullable(),
  reviewedAt: z.string().nullable(),
};

export const CompetenceOut = z.object({
  id: z.string(),
  organisationId: z.string(),
  concept: z.object({ id: z.string(), scheme: z.string(), label: bilingual }),
  kind: z.enum(competenceKinds),
  description: z.string().nullable(),
  evidence: z.string().nullable(),
  visibility: z.enum(visibilities),
  ...review,
  updatedAt: z.string(),
});
export type CompetenceOut = z.infer<typeof CompetenceOut>;

export const FacilityOut = z.object({
  id: z.string(),
  organisationId: z.string(),
  kind: z.enum(facilityKinds),
  name: z.string(),
  description: z.string().nullable(),
  certification: z.string().nullable(),
  accreditationReference: z.string().nullable(),
  conceptIds: z.array(z.string()),
  visibility: z.enum(visibilities),
  ...review,
  updatedAt: z.string(),
});
export type FacilityOut = z.infer<typeof FacilityOut>;

const page = { page: z.number(), pageSize: z.number(), total: z.number() };
export const CompetenceList = z.object({ items: z.array(CompetenceOut), ...page });
export const FacilityList = z.object({ items: z.array(FacilityOut), ...page });

export const QueueOut = z.object({
  competences: z.array(CompetenceOut.extend({ organisationName: z.string() })),
  facilities: z.array(FacilityOut.extend({ organisationName: z.string() })),
});
export type QueueOut = z.infer<typeof QueueOut>;
