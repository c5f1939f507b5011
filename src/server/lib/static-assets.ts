import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);
const DAY_MS = 24 * 60 * 60 * 1000;

/** A folder of assets and the files in it (paths relative to it) that are worth compressing. */
export type AssetSource = { name: string; dir: string; files: string[] };

/**
 * The stylesheets and the script the pages load, each with a brotli (`.br`) and a gzip (`.gz`) copy beside it, in
 * one folder per source under `cacheDir`, for @fastify/static's `preCompressed`: Bootstrap Italia's stylesheet is
 * 612 KB as published, 77 KB in brotli. Made once per content (the folder's name is a hash of the files), in about
 * 60 ms, written to a temporary folder and renamed, so two processes starting together do not see half a copy.
 * Returns the folder of each source by name, or null when the copies cannot be made (the assets are then sent as
 * they are; `onError` hears why).
 */
export async function compressedAssets(
  sources: AssetSource[],
  cacheDir: string,
  onError: (err: unknown) => void = () => {},
): Promise<Record<string, string> | null> {
  try {
    const contents = await Promise.all(
      sources.map(async (s) => Promise.all(s.files.map(async (f) => ({ path: f, body: await readFile(join(s.dir, f)) })))),
    );
    const hash = createHash('sha256');
    sources.forEach((s, i) => contents[i].forEach((c) => hash.update(`${s.name}/${c.path}\0`).update(c.body)));
    const name = `static-${hash.digest('hex').slice(0, 16)}`;
    const target = join(cacheDir, name);
    const folders = Object.fromEntries(sources.map((s) => [s.name, join(target, s.name)]));
    if (await exists(target)) {
      // Marked as used, so that other versions' clean-up (below) leaves it for a day from now.
      const now = new Date();
      await utimes(target, now, now).catch(() => {});
      return folders;
    }

    const staging = join(cacheDir, `${name}.${randomBytes(6).toString('hex')}.tmp`);
    await Promise.all(
      sources.flatMap((s, i) =>
        contents[i].map(async ({ path, body }) => {
          const file = join(staging, s.name, path);
          await mkdir(dirname(file), { recursive: true });
          const [br, gzipped] = await Promise.all([
            brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
            gz(body, { level: 9 }),
          ]);
          await Promise.all([writeFile(file, body), writeFile(`${file}.br`, br), writeFile(`${file}.gz`, gzipped)]);
        }),
      ),
    );
    try {
      await rename(staging, target);
    } catch (err) {
      // Another process made the same folder first: theirs is the same content.
      await rm(staging, { recursive: true, force: true });
      if (!(await exists(target))) throw err;
    }
    await removeUnused(cacheDir, name);
    return folders;
  } catch (err) {
    onError(err);
    return null;
  }
}

/**
 * Folders of other contents (earlier versions) that no process has made or started with for a day; a server still
 * running one keeps serving it for at least that long. Staging folders and anything else are left alone, and a
 * failure here costs nothing but disk.
 */
async function removeUnused(cacheDir: string, keep: string): Promise<void> {
  try {
    for (const entry of await readdir(cacheDir)) {
      if (!/^static-[0-9a-f]{16}$/.test(entry) || entry === keep) continue;
      const path = join(cacheDir, entry);
      const age = await stat(path).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > DAY_MS) await rm(path, { recursive: true, force: true }).catch(() => {});
    }
  } catch {
    // nothing to clean
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
