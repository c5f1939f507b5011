import type { Db } from '../../db/db.ts';
import type { JobHandlers } from '../../lib/jobs.ts';

export function matchingJobHandlers(db: Db): JobHandlers {
  void db;
  return {};
}
