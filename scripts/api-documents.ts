/**
 * `npm run gen:client` (`tsx scripts/api-documents.ts [outDir]`): builds the
 * app without opening a port, takes the OpenAPI and AsyncAPI documents it
 * serves and writes them with the typed client's generated files to
 * `outDir` (default clients/typescript). `npm run lint:openapi` lints the
 * written documents.
 *
 * Env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test; the app
 * needs a database to start, the documents do not depend on its content).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startTestApp } from '../support/harness.js';
import { asyncapiDocument } from '../src/platform/realtime/asyncapi.js';
import { APP_VERSION } from '../src/app.js';
import { generateClientFiles } from './client-gen.js';

process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
export const CLIENT_DIR = resolve(import.meta.dirname, '../clients/typescript');
const OUT = resolve(process.argv[2] ?? CLIENT_DIR);

async function main() {
  const t = await startTestApp('api_documents');
  try {
    const files = await generateClientFiles(
      t.app.http.swagger() as never,
      asyncapiDocument(t.app.gateway.events, APP_VERSION),
    );
    mkdirSync(OUT, { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(resolve(OUT, name), text);
    process.stdout.write(`wrote ${Object.keys(files).join(', ')} to ${OUT}\n`);
  } finally {
    await t.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`api-documents failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
