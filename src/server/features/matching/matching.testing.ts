import type { Db } from '../../db/db.ts';
import { indexDocument } from '../search/search.ts';

/**
 * Test data only: a published marketplace profile and its search document, as publication makes them (the profile's
 * text in both languages, its concepts, its cluster, the profile type as subtype; the title as name, never the owner).
 */
export async function buildPublishedProfile(
  db: Db,
  o: {
    clusterId: string;
    organisationId: string;
    type: string;
    titleIt?: string | null;
    titleEn?: string | null;
    descriptionIt?: string | null;
    descriptionEn?: string | null;
    conceptIds?: string[];
    anonymous?: boolean;
    status?: string;
    publishedAt?: string;
  },
): Promise<{ id: string }> {
  const [row] = await db.query<{ id: string; category: string | null }>(
    `INSERT INTO profile (cluster_id, organisation_id, type, title_it, title_en, description_it, description_en, concept_ids, anonymous,
                          status, published_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, CASE WHEN $10 = 'published' THEN coalesce($11::timestamptz, now()) END)
     RETURNING id, (SELECT category FROM organisation WHERE id = $2) AS category`,
    [
      o.clusterId,
      o.organisationId,
      o.type,
      o.titleIt ?? null,
      o.titleEn ?? null,
      o.descriptionIt ?? null,
      o.descriptionEn ?? null,
      o.conceptIds ?? [],
      !!o.anonymous,
      o.status ?? 'published',
      o.publishedAt ?? null,
    ],
  );
  if ((o.status ?? 'published') === 'published') {
    await indexDocument(db, {
      type: 'profile',
      id: row.id,
      subtype: o.type,
      clusterIds: [o.clusterId],
      name: o.titleIt ?? o.titleEn ?? '',
      textIt: [o.titleIt, o.descriptionIt].filter(Boolean).join(' '),
      textEn: [o.titleEn, o.descriptionEn].filter(Boolean).join(' '),
      conceptIds: o.conceptIds ?? [],
      provinces: [],
      category: row.category,
      sizeClass: null,
    });
  }
  return { id: row.id };
}
