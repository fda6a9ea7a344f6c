import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseToc } from './toc.js';
import { compareTables } from './manifest.js';

const LIST = `;
; Selected TOC Entries:
;
7; 2615 18075 SCHEMA - graphile_worker postgres
5; 2615 2200 SCHEMA - public pg_database_owner
3622; 0 0 COMMENT - SCHEMA public pg_database_owner
2; 3079 17422 EXTENSION - btree_gist 
216; 1259 18072 TABLE public x postgres
3614; 0 18072 TABLE DATA public x postgres`;

test('the TOC names the dumped schemas; CREATE SCHEMA public is filtered out', () => {
  const toc = parseToc(LIST);
  assert.deepEqual(toc.schemas, ['graphile_worker', 'public']);
  assert.ok(!toc.filtered.includes('SCHEMA - public'));
  assert.ok(!toc.filtered.includes('COMMENT - SCHEMA public'));
  assert.ok(toc.filtered.includes('TABLE public x'));
  assert.ok(toc.filtered.includes('SCHEMA - graphile_worker'));
});

test('table comparison flags differing, missing and extra tables', () => {
  const t = (table: string, rows: number, checksum = '1') => ({ schema: 's', table, rows, checksum });
  const result = compareTables([t('a', 1), t('b', 2), t('c', 3)], [t('a', 1), t('b', 2, '9'), t('d', 0)]);
  assert.deepEqual(
    result.map((r) => [r.table, r.ok]),
    [
      ['a', true],
      ['b', false],
      ['c', false],
      ['d', false],
    ],
  );
});
