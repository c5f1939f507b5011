import { z } from 'zod';
import { calendarDate } from '../../lib/schemas.ts';

/** A real calendar day (2024-02-30 and year 0000 are refused here, not by the database's ::date cast). */
const day = calendarDate();

export const AuditQuery = z.object({
  clusterId: z.uuid().optional(),
  action: z.string().trim().min(1).max(100).optional(),
  subjectType: z.string().trim().min(1).max(100).optional(),
  from: day.optional(),
  to: day.optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

const json = z.record(z.string(), z.unknown()).nullable();

export const AuditEventOut = z.object({
  id: z.number(),
  at: z.string(),
  action: z.string(),
  subjectType: z.string(),
  subjectId: z.string(),
  clusterId: z.string().nullable(),
  actor: z.object({ id: z.string(), name: z.string() }).nullable(),
  before: json,
  after: json,
});
export type AuditEventOut = z.infer<typeof AuditEventOut>;

export const AuditList = z.object({
  items: z.array(AuditEventOut),
  page: z.number(),
  pageSize: z.number(),
  total: z.number(),
});
