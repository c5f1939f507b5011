import { z } from 'zod';
import { schemes } from './taxonomy.load.ts';

export const SchemeEnum = z.enum(schemes);

export const ConceptListQuery = z.object({
  scheme: SchemeEnum.optional(),
  includeRetired: z.enum(['true', 'false']).optional().transform((v) => v === 'true'),
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(500),
});
export type ConceptListQuery = z.infer<typeof ConceptListQuery>;

const atecoCode = z.string().trim().regex(/^\d{2}(\.\d{1,2}(\.\d{1,2})?)?$/);

export const SuggestQuery = z.object({
  ateco: z
    .string()
    .max(500)
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(atecoCode).min(1).max(20)),
});

export const ConceptIdParams = z.object({ id: z.string().min(1).max(200) });

const synonymList = z
  .array(z.string().trim().max(120))
  .max(60)
  .transform((list) => [...new Set(list.filter((s) => s !== ''))]);

export const ConceptPatch = z
  .object({
    label_it: z.string().trim().min(1).max(200),
    label_en: z.string().trim().min(1).max(200),
    definition_it: z.string().trim().max(1000),
    definition_en: z.string().trim().max(1000),
    synonyms_it: synonymList,
    synonyms_en: synonymList,
  })
  .partial();
export type ConceptPatch = z.infer<typeof ConceptPatch>;

const bilingual = z.object({ it: z.string(), en: z.string() });
const bilingualNullable = z.object({ it: z.string().nullable(), en: z.string().nullable() });

export const ConceptOut = z.object({
  id: z.string(),
  scheme: SchemeEnum,
  parentId: z.string().nullable(),
  depth: z.number(),
  label: bilingual,
  definition: bilingualNullable,
  synonyms: z.object({ it: z.array(z.string()), en: z.array(z.string()) }),
  ateco: z.array(z.string()),
  cosingFunction: z.string().nullable(),
  retired: z.boolean(),
  overridden: z.boolean(),
});
export type ConceptOut = z.infer<typeof ConceptOut>;

export const ConceptList = z.object({ items: z.array(ConceptOut), page: z.number(), pageSize: z.number(), total: z.number() });

export const ConceptDetailOut = ConceptOut.extend({
  atecoLinks: z.array(z.object({ code: z.string(), title: bilingual })),
  children: z.array(z.object({ id: z.string(), label: bilingual })),
  ancestors: z.array(z.object({ id: z.string(), label: bilingual })),
});
export type ConceptDetailOut = z.infer<typeof ConceptDetailOut>;

export const SuggestOut = z.object({ items: z.array(ConceptOut.extend({ matchedAteco: z.array(z.string()) })) });
