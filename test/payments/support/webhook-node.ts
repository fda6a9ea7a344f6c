/**
 * Child process of the card-trip SIGKILL test: one API node of the test's
 * deployment (same schema, no job runner), listening on a free port, which
 * prints `listening <port>` and then waits to be killed.
 * Env: what the parent's config was built from, as JSON in NODE_ENV_JSON.
 */
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../../src/config.js';
import { createPlatform } from '../../../src/platform/runtime.js';
import { buildApp } from '../../../src/app.js';
import { createLogger } from '../../../src/platform/observability/logger.js';

const config = loadConfig(JSON.parse(process.env.NODE_ENV_JSON!) as Record<string, string>);
const platform = await createPlatform(config, { log: createLogger('silent') });
const app = await buildApp(platform);
await app.http.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`listening ${(app.http.server.address() as AddressInfo).port}\n`);
