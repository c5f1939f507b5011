import type { Db } from '../../db/db.ts';

export type DemoLogin = { email: string; password: string; role: string };

/** Loads the demo data into an empty database; returns the demo logins, or null when data already exists. */
export async function seedDemo(_db: Db): Promise<DemoLogin[] | null> {
  return null;
}
