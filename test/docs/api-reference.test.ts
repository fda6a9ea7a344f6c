/** docs/api.md lists exactly the HTTP endpoints the app serves (its OpenAPI document at /api/docs/json). */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { describeDiff, diffEndpoints, documentedEndpoints, servedEndpoints } from './endpoint-rows.js';

const API_DOC = new URL('../../docs/api.md', import.meta.url);

describe('docs/api.md endpoint reference', () => {
  let t: TestApp;
  let markdown: string;
  let spec: { paths: Record<string, Record<string, unknown>> };
  before(async () => {
    t = await startTestApp('docs_api_reference');
    markdown = await readFile(API_DOC, 'utf8');
    const res = await t.api('GET', '/api/docs/json');
    assert.equal(res.status, 200);
    spec = res.body;
  });
  after(async () => t.close());

  test('every served endpoint has one row and every row is served', () => {
    const documented = documentedEndpoints(markdown);
    const served = servedEndpoints(spec);
    assert.ok(served.length > 50, `the OpenAPI document lists ${served.length} operations`);
    const message = describeDiff(diffEndpoints(documented, served));
    assert.equal(message, '', `docs/api.md is out of date:\n${message}`);
  });

  test('a removed row, a new route and a row for nothing are each reported by name', () => {
    const rows = markdown.split('\n');
    const firstRow = rows.findIndex((line) => documentedEndpoints(line).length === 1);
    const removed = documentedEndpoints(rows[firstRow]!)[0]!;
    const withoutRow = [
      ...rows.filter((_, i) => i !== firstRow),
      '| DELETE | /api/v1/ghosts/{id} | admin | not served |',
    ].join('\n');
    const withNewRoute = { paths: { ...spec.paths, '/api/v1/brand-new/{id}': { get: {} } } };

    const message = describeDiff(diffEndpoints(documentedEndpoints(withoutRow), servedEndpoints(withNewRoute)));
    assert.match(message, /documented in docs\/api.md but not served:\n {2}DELETE \/api\/v1\/ghosts\/\{id\}/);
    assert.ok(message.includes(removed), message);
    assert.ok(message.includes('GET /api/v1/brand-new/{id}'), message);
  });
});
