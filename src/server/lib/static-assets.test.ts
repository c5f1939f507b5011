import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

    // A changed file gets a folder of its own.
    await writeFile(join(src, 'site.css'), `${body}a { color: red; }\n`);
    const changed = await compressedAssets(sources, cache);
    assert.ok(changed && changed.web !== a.web);

    // A cache path that is a file, not a folder: nothing to serve compressed, no error.
    await writeFile(join(dir, 'not-a-folder'), '');
    assert.equal(await compressedAssets(sources, join(dir, 'not-a-folder')), null);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
