import { randomBytes } from 'node:crypto';
import type { Db } from '../../db/db.ts';

// Test data only: a marketplace profile inserted directly (the marketplace feature owns profiles; these tests only need one to exist).
export async function buildProfile(
  db: Db,
  o: { clusterId: string; organisationId: string; anonymous?: boolean; status?: string; type?: string; title_it?: string | null; title_en?: string | null; deadline?: string },
): Promise<{ id: string }> {
  const tag = randomBytes(3).toString('hex');
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO profile (cluster_id, organisation_id, type, title_it, title_en, summary_it, summary_en, anonymous, status, published_at, deadline)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CASE WHEN $9 = 'published' THEN now() END, $10) RETURNING id`,
    [
      o.clusterId,
      o.organisationId,
      o.type ?? 'technology_offer',
      o.title_it === undefined ? `Incapsulamento di attivi ${tag}` : o.title_it,
      o.title_en === undefined ? `Encapsulation of actives ${tag}` : o.title_en,
      'Una tecnologia di prova',
      'A test technology',
      o.anonymous ?? false,
      o.status ?? 'published',
      o.deadline ?? null,
    ],
  );
  return row;
}
