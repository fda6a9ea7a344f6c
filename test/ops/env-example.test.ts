/** Issue 21.3: `.env.example` lists every key src/config.schema.ts reads, with defaults that parse. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CONFIG_KEYS, EnvSchema } from '../../src/config.schema.js';

const example = readFileSync(resolve(import.meta.dirname, '../../.env.example'), 'utf8');
const entries = [...example.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=(.*)$/gm)].map(([, key, value]) => ({ key: key!, value }));

test('.env.example names every config key once and nothing else', () => {
  const listed = entries.map((e) => e.key);
  assert.equal(new Set(listed).size, listed.length, 'no key twice');
  // PATH is the shell's own: mentioned in prose, not as a line to uncomment.
  const expected = CONFIG_KEYS.filter((k) => k !== 'PATH');
  assert.deepEqual([...listed].sort(), [...expected].sort());
  assert.match(example, /# PATH is read too/);
});

test('the values shown are the defaults: uncommenting them all changes nothing', () => {
  const shown = Object.fromEntries(entries.filter((e) => e.value !== '').map((e) => [e.key, e.value]));
  const parsed = EnvSchema.safeParse(shown);
  assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
  assert.deepEqual(parsed.data, EnvSchema.parse({}));
});
