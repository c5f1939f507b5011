import { z } from 'zod';
import type { BatchRecord } from './imports.queries.ts';

export const ImportIdParams = z.object({ id: z.string().max(100) });

export const ImportBatchSchema = z.object({
  id: z.string(),
  clusterId: z.string(),
  status: z.enum(['validated', 'applying', 'done', 'failed']),
  fileName: z.string(),
  rowCount: z.number(),
  validCount: z.number(),
  progress: z.number(),
  created: z.number(),
  updated: z.number(),
  joined: z.number(),
  /** Competences of the rows applied so far (the competences column); new ones wait for staff validation. */
  competences: z.number(),
  errors: z.array(z.object({ row: z.number(), column: z.string(), reason: z.string() })),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type ImportBatch = z.infer<typeof ImportBatchSchema>;

const iso = (v: string | Date | null) => (v === null ? null : v instanceof Date ? v.toISOString() : new Date(v).toISOString());

export function toImportBatch(b: BatchRecord): ImportBatch {
  return {
    id: b.id,
    clusterId: b.cluster_id,
    status: b.status,
    fileName: b.file_name,
    rowCount: b.row_count,
    validCount: b.valid_count,
    progress: b.progress,
    created: b.created_count,
    updated: b.updated_count,
    joined: b.joined_count,
    competences: b.competences_count,
    errors: b.errors.map((e) => ({ row: e.row, column: e.column, reason: e.reason })),
    createdAt: iso(b.created_at) as string,
    finishedAt: iso(b.finished_at),
  };
}
