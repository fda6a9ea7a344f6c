/**
 * Child process of the SOS kill suite: an API node (no job worker) on the
 * parent's schema, with one rider signed up. Prints one JSON line
 * `{url, token}` when it listens; the parent posts an SOS and kills it with
 * SIGKILL the moment the 201 arrives.
 * Env: DATABASE_URL, DB_SCHEMA, SOS_ESCALATION_MS, PUSH_URL, SMS_URL, VOICE_URL, SMTP_URL, ONCALL_PHONE.
 */
import { loadConfig } from '../../../src/config.js';
import { createPlatform } from '../../../src/platform/runtime.js';
import { buildApp } from '../../../src/app.js';
import { createLogger } from '../../../src/platform/observability/logger.js';

const config = loadConfig({ ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', RATE_LIMITS_DISABLED: 'true' });
const platform = await createPlatform(config, { log: createLogger('silent') });
const app = await buildApp(platform);
await app.http.listen({ port: 0, host: '127.0.0.1' });
const phone = `+2010${String(Math.floor(Math.random() * 100_000_000)).padStart(8, '0')}`;
const signup = await app.http.inject({
  method: 'POST',
  url: '/api/v1/auth/signup',
  payload: { phone, password: 'password-123', name: 'Kill test rider', role: 'rider' },
});
if (signup.statusCode !== 201) throw new Error(`signup failed: ${signup.body}`);
const { port } = app.http.server.address() as { port: number };
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}`, token: signup.json().data.accessToken })}\n`);
setInterval(() => {}, 60_000);
