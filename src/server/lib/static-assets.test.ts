import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { compressedAssets } from './static-assets.ts';

test('compressed copies are made once per content, also by two processes at once, and sent as they are when the cache cannot be written', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'filiera-assets-'));
  try {
    const src = join(dir, 'src');
    const cache = join(dir, 'cache');
    await mkdir(src);
    const body = 'body { color: #06c; }\n'.repeat(500);
    await writeFile(join(src, 'site.css'), body);
    const sources = [{ name: 'web', dir: src, files: ['site.css'] }];
    const [a, b] = await Promise.all([compressedAssets(sources, cache), compressedAssets(sources, cache)]);
    assert.ok(a && b);
    assert.equal(a.web, b.web);
    assert.deepEqual((await readdir(a.web)).sort(), ['site.css', 'site.css.br', 'site.css.gz']);
    assert.equal(brotliDecompressSync(await readFile(join(a.web, 'site.css.br'))).toString(), body);
    assert.equal(gunzipSync(await readFile(join(a.web, 'site.css.gz'))).toString(), body);
    assert.equal((await readdir(cache)).length, 1, 'no staging folder left behind');

    // A changed file gets a folder of its own. Other versions' folders go once nobody has used them for a day: the
    // one just made before stays (a server may still serve it), one unused for two days goes, a staging folder stays.
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    await mkdir(join(cache, 'static-00000000000000aa'));
    await utimes(join(cache, 'static-00000000000000aa'), twoDaysAgo, twoDaysAgo);
    await mkdir(join(cache, 'static-00000000000000bb.1234.tmp'));
    await utimes(join(cache, 'static-00000000000000bb.1234.tmp'), twoDaysAgo, twoDaysAgo);
    await writeFile(join(src, 'site.css'), `${body}a { color: red; }\n`);
    const changed = await compressedAssets(sources, cache);
    assert.ok(changed && changed.web !== a.web);
    const left = await readdir(cache);
    assert.ok(left.includes(dirname(a.web).split('/').pop() as string), 'the previous version is kept for a day');
    assert.ok(!left.includes('static-00000000000000aa'), 'a version unused for two days is removed');
    assert.ok(left.includes('static-00000000000000bb.1234.tmp'), 'staging folders are not touched');

    // Starting again on an existing folder marks it as used.
    const previous = dirname(a.web);
    await utimes(previous, twoDaysAgo, twoDaysAgo);
    await writeFile(join(src, 'site.css'), body);
    assert.equal((await compressedAssets(sources, cache))?.web, a.web);
    assert.ok(Date.now() - (await stat(previous)).mtimeMs < 60_000);

    // A cache path that is a file, not a folder: nothing to serve compressed, and the caller hears why.
    await writeFile(join(dir, 'not-a-folder'), '');
    const errors: unknown[] = [];
    assert.equal(await compressedAssets(sources, join(dir, 'not-a-folder'), (err) => errors.push(err)), null);
    assert.equal(errors.length, 1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
