// The tag is served as it is, so its budget is checked on the file itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const source = readFileSync(new URL('../tsunagu.js', import.meta.url));

test('tag_gzipped_under5KB', () => {
  const size = gzipSync(source, { level: 9 }).length;
  assert.ok(size < 5120, `tsunagu.js is ${size} bytes gzipped; the budget is 5120`);
});

test('tag_source_isPlainScript', () => {
  const text = source.toString('utf8');
  assert.doesNotMatch(text, /^\s*(import|export)\s/m, 'no ES modules: the tag is a classic script');
  assert.doesNotMatch(text, /\.innerHTML\s*=(?!\s*s;)/, 'innerHTML only for the trusted-template parse');
});
