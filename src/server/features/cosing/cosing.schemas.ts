import { z } from 'zod';

export const annexes = ['II', 'III', 'IV', 'V', 'VI'] as const;
export const relations = ['supplies', 'researches'] as const;
export type Relation = (typeof relations)[number];

export const IngredientSearchQuery = z.object({
  q: z.string().trim().max(200).optional(),
  page: z.coerce.number().int().min(1).max(10000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type IngredientSearch = z.infer<typeof IngredientSearchQuery>;

export const AnnexRefSchema = z.object({ annex: z.enum(annexes), reference: z.string() });

export const IngredientSummarySchema = z.object({
  inciName: z.string(),
  casNumbers: z.array(z.string()),
  functions: z.array(z.string()),
  annexEntries: z.array(AnnexRefSchema),
  organisationCount: z.number().int(),
});
export type IngredientSummary = z.infer<typeof IngredientSummarySchema>;

export const IngredientListSchema = z.object({
  items: z.array(IngredientSummarySchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
  kind: z.enum(['all', 'name', 'cas']),
});
export type IngredientList = z.infer<typeof IngredientListSchema>;

export const AnnexEntrySchema = z.object({
  annex: z.enum(annexes),
  reference: z.string(),
  /** Order among rows of the Annex that share this reference number (the Annexes repeat a few). */
  seq: z.number().int(),
  meaning: z.string(),
  substanceName: z.string(),
  glossaryName: z.string().nullable(),
  casNumbers: z.array(z.string()),
  ecNumbers: z.array(z.string()),
  colour: z.string().nullable(),
  productType: z.string().nullable(),
  maxConcentration: z.string().nullable(),
  otherLimits: z.string().nullable(),
  conditions: z.string().nullable(),
  regulation: z.string().nullable(),
  cmr: z.string().nullable(),
  updateDate: z.string().nullable(),
  matchedBy: z.enum(['name', 'cas']),
});
export type AnnexEntry = z.infer<typeof AnnexEntrySchema>;

export const LinkedOrganisationSchema = z.object({
  id: z.string(),
  name: z.string(),
  relation: z.enum(relations),
  note: z.string().nullable(),
});

export const IngredientDetailSchema = z.object({
  inciName: z.string(),
  casNumbers: z.array(z.string()),
  ecNumbers: z.array(z.string()),
  functions: z.array(z.string()),
  annexEntries: z.array(AnnexEntrySchema),
  organisations: z.array(LinkedOrganisationSchema),
  source: z.string(),
});
export type IngredientDetail = z.infer<typeof IngredientDetailSchema>;

export const OrganisationIdParams = z.object({ id: z.uuid() });
export const OrganisationIngredientParams = z.object({ id: z.uuid(), '*': z.string().min(1).max(3000) });

export const LinkIngredientSchema = z.object({
  inciName: z.string().trim().min(1).max(3000),
  relation: z.enum(relations),
  note: z.string().trim().max(500).optional().nullable(),
});
export type LinkIngredient = z.infer<typeof LinkIngredientSchema>;

export const UnlinkQuery = z.object({ relation: z.enum(relations) });

export const OrganisationIngredientSchema = z.object({
  inciName: z.string(),
  relation: z.enum(relations),
  note: z.string().nullable(),
  functions: z.array(z.string()),
  createdAt: z.string(),
});
export type OrganisationIngredient = z.infer<typeof OrganisationIngredientSchema>;

export const OrganisationIngredientListSchema = z.object({
  organisation: z.object({ id: z.string(), name: z.string() }),
  items: z.array(OrganisationIngredientSchema),
});

export const COSING_SOURCE = '© European Union, CosIng (https://ec.europa.eu/growth/tools-databases/cosing/), CC BY 4.0';
