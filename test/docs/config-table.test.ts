/** README's configuration table names every key src/config.ts reads, and nothing else. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_KEYS } from '../../src/config.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ENV_NAME = /`([A-Z][A-Z0-9_]*)`/g;

/** The variables named in the first cell of each row of README's "## Configuration" table (a cell may name several). */
export function documentedKeys(readme: string): string[] {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Configuration\n'));
  if (!section) throw new Error('README has no "## Configuration" section');
  const rows = section.split('\n').filter((line) => line.startsWith('| `'));
  return rows.flatMap((row) => [...row.split('|')[1]!.matchAll(ENV_NAME)].map((m) => m[1]!));
}

/** Empty when the table and the schema agree; otherwise one line per side naming the keys. */
export function configTableDiff(readme: string, keys: readonly string[]): string {
  const documented = new Set(documentedKeys(readme));
  const undocumented = keys.filter((k) => !documented.has(k));
  const unknown = [...documented].filter((k) => !keys.includes(k));
  return [
    undocumented.length ? `read by src/config.ts but missing from README's table: ${undocumented.join(', ')}` : '',
    unknown.length ? `in README's table but not read by src/config.ts: ${unknown.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

test('README configuration table lists exactly the keys of src/config.ts', () => {
  assert.equal(configTableDiff(readFileSync(join(ROOT, 'README.md'), 'utf8'), CONFIG_KEYS), '');
});

test('a missing key, a key sharing a row and a stale row are each reported by name', () => {
  const readme = [
    '# X',
    '## Configuration',
    '| variable | default | meaning |',
    '|---|---|---|',
    '| `PORT` / `HOST` | `3000` | listener, mentions `NOT_A_KEY` in prose |',
    '| `GONE_KEY` | — | removed |',
    '## Next',
    '| `LATER` | | |',
  ].join('\n');
  assert.equal(
    configTableDiff(readme, ['PORT', 'HOST', 'NEW_KEY']),
    "read by src/config.ts but missing from README's table: NEW_KEY\nin README's table but not read by " +
      'src/config.ts: GONE_KEY',
  );
});
