import { z } from 'zod';
import { calendarDate } from '../../lib/schemas.ts';

const isoDate = calendarDate();
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((v) => (v === '' ? null : v))
    .nullish();

export const ClusterSlugParams = z.object({ slug: z.string().max(100) });

export const ClusterSchema = z.object({
  id: z.string(),
  slug: z.string(),
  nameIt: z.string(),
  nameEn: z.string(),
  shortName: z.string().nullable(),
  descriptionIt: z.string().nullable(),
  descriptionEn: z.string().nullable(),
  associationName: z.string().nullable(),
  legalForm: z.string().nullable(),
  legalPersonality: z.boolean().nullable(),
  legalPersonalityEvidence: z.string().nullable(),
  constitutedOn: z.string().nullable(),
  statuteRegisteredOn: z.string().nullable(),
  statuteRegistrationOffice: z.string().nullable(),
  partnershipAgreementSignedOn: z.string().nullable(),
  partnershipAgreementReference: z.string().nullable(),
  capofila: z.object({ id: z.string(), legalName: z.string() }).nullable(),
  recognitionApplicationOn: z.string().nullable(),
  recognitionApplicationProtocol: z.string().nullable(),
  recognitionAssessment: z.string().nullable(),
  recognitionDecreeNumber: z.string().nullable(),
  recognitionDecreeOn: z.string().nullable(),
  memberCount: z.number(),
});
export type ClusterView = z.infer<typeof ClusterSchema>;

export const ClusterListSchema = z.object({ items: z.array(ClusterSchema) });

export const ClusterUpdateSchema = z.object({
  partnershipAgreementSignedOn: isoDate.nullish().or(z.literal('').transform(() => null)),
  partnershipAgreementReference: optionalText(300),
  legalPersonality: z.boolean().nullish(),
  legalPersonalityEvidence: optionalText(1000),
  capofilaOrganisationId: z.uuid().nullish().or(z.literal('').transform(() => null)),
  descriptionIt: optionalText(5000),
  descriptionEn: optionalText(5000),
});
export type ClusterUpdate = z.input<typeof ClusterUpdateSchema>;
