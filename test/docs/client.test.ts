/** Issue 20 #6: the committed typed client is what the served documents generate, and it works on the wire. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { asyncapiDocument } from '../../src/platform/realtime/asyncapi.js';
import { APP_VERSION } from '../../src/app.js';
import { generateClientFiles } from '../../scripts/client-gen.js';
import { createSmartLineClient } from '../../clients/typescript/index.js';

const CLIENT_DIR = new URL('../../clients/typescript/', import.meta.url);

/** Where two texts part, so a failure says what changed, not only which file. */
function firstDifference(committed: string, generated: string): string {
  const [a, b] = [committed.split('\n'), generated.split('\n')];
  const line = a.findIndex((l, i) => l !== b[i]);
  const at = line === -1 ? a.length : line;
  return `line ${at + 1}: committed ${JSON.stringify(a[at] ?? '')}, generated ${JSON.stringify(b[at] ?? '')}`;
}

describe('typed client (clients/typescript)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp('typed_client');
  });
  after(async () => t.close());

  test('the committed generated files are what `npm run gen:client` makes from the served documents', async () => {
    const files = await generateClientFiles(
      t.app.http.swagger() as never,
      asyncapiDocument(t.app.gateway.events, APP_VERSION),
    );
    const stale: string[] = [];
    for (const [name, text] of Object.entries(files)) {
      const committed = await readFile(new URL(name, CLIENT_DIR), 'utf8').catch(() => '');
      if (committed !== text) stale.push(`${name} (${firstDifference(committed, text)})`);
    }
    assert.deepEqual(stale, [], `stale: ${stale.join(', ')} — run npm run gen:client and commit`);
  });

  test('a route change makes the check fail, naming the file', async () => {
    const spec = structuredClone(t.app.http.swagger()) as any;
    spec.paths['/api/v1/me'].get.summary = 'Renamed';
    const files = await generateClientFiles(spec, asyncapiDocument(t.app.gateway.events, APP_VERSION));
    const committed = await readFile(new URL('schema.d.ts', CLIENT_DIR), 'utf8');
    assert.notEqual(files['schema.d.ts'], committed);
    assert.match(files['schema.d.ts']!, /Renamed/);
  });

  test('the client signs up, reads /me with its token and gets the error envelope on a refusal', async () => {
    const baseUrl = await t.listen();
    const anonymous = createSmartLineClient(baseUrl);
    const phone = `+2010${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const body = { phone, password: 'password-123', name: 'Typed Rider', role: 'rider' } as const;
    const signup = await anonymous.POST('/api/v1/auth/signup', { body });
    assert.equal(signup.response.status, 201);
    const token = signup.data!.data.accessToken;
    const client = createSmartLineClient(baseUrl, { accessToken: () => token });
    const me = await client.GET('/api/v1/me');
    assert.equal(me.data?.data.phone, phone);
    const refused = await anonymous.GET('/api/v1/me');
    assert.equal(refused.response.status, 401);
    assert.equal((refused.error as { error: { code: string } }).error.code, 'UNAUTHENTICATED');
  });
});
