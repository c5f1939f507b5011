import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mailLink } from './mail.ts';

test('e-mail links join the public URL and the path with one slash, whatever the URL ends with', () => {
  assert.equal(mailLink('https://filiera.example.org', '/it/saved-searches'), 'https://filiera.example.org/it/saved-searches');
  assert.equal(mailLink('https://filiera.example.org/', '/it/saved-searches'), 'https://filiera.example.org/it/saved-searches');
  assert.equal(mailLink('https://example.org/filiera//', '/en/marketplace/mine'), 'https://example.org/filiera/en/marketplace/mine');
});
