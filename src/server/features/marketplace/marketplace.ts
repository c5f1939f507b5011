import type { Db } from '../../db/db.ts';
import type { JobHandlers } from '../../lib/jobs.ts';

export function marketplaceJobHandlers(db: Db): JobHandlers {
  void db;
  return {};
}
