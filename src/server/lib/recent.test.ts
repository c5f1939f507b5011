import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Recent, recentPer } from './recent.ts';

test('Recent keeps the entries used last, up to its limit', () => {
  const r = new Recent<number>(2);
  r.set('a', 1);
  r.set('b', 2);
  assert.equal(r.get('a'), 1); // a is now the newest
  r.set('c', 3); // evicts b, the one used longest ago
  assert.equal(r.get('b'), undefined);
  assert.deepEqual([r.get('a'), r.get('c'), r.size], [1, 3, 2]);
  r.set('a', 10); // replacing does not grow it
  assert.deepEqual([r.get('a'), r.size], [10, 2]);
});

test('recentPer gives each owner (a database) its own cache', () => {
  const cacheOf = recentPer<string>(10);
  const one = {};
  const two = {};
  cacheOf(one).set('k', 'one');
  assert.equal(cacheOf(one).get('k'), 'one');
  assert.equal(cacheOf(two).get('k'), undefined);
});
