/**
 * `npm run demo` (or `smartline demo`): the five-minute path. Starts SmartLine (API, sockets and jobs) on the
 * embedded Postgres (or DATABASE_URL), creates the demo admin and a dispatcher, lets the city simulator sign up
 * approved drivers who drive around Cairo and riders who request trips, prints where to look and how to sign in,
 * and keeps everything it created when Ctrl-C stops it.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { createPlatform } from '../src/platform/runtime.js';
import { buildApp } from '../src/app.js';
import { createProcessLogger } from '../src/platform/observability/logger.js';
import { simulate, stopSimulations, OPTIONS as SIM_OPTIONS } from './city.js';
import { ApiError, Session, unwrap } from './client.js';
import { SIM_PASSWORD } from './setup.js';

const DEMO_ADMIN = { phone: '+201000000001', password: 'demo-admin-password' };
const DEMO_DISPATCHER = { phone: '+201000000002', password: 'demo-dispatcher-password', name: 'Demo Dispatcher' };
/** Long enough to explore; Ctrl-C ends it sooner. */
const DEMO_MINUTES = 24 * 60;

const OPTIONS = {
  drivers: { type: 'string', default: '20' },
  riders: { type: 'string', default: '4' },
  'area-km': { type: 'string', default: '3' },
  /** Requests per minute over the city; default: each rider about every two minutes, so cars are soon on the move. */
  rate: { type: 'string' },
  /** Share of requests that are roadside jobs (the simulator's default unless given). */
  'service-share': { type: 'string' },
} as const;
const DEMO_RIDER_REQUEST_EVERY_MIN = 2;

async function startDemoServer() {
  const config = loadConfig({
    ADMIN_PHONE: process.env.ADMIN_PHONE ?? DEMO_ADMIN.phone,
    ADMIN_PASSWORD: process.env.ADMIN_PASSWORD ?? DEMO_ADMIN.password,
    // The simulator signs up its whole city from one address within a minute.
    RATE_LIMITS_DISABLED: 'true',
  });
  const log = createProcessLogger(
    { ...config, LOG_LEVEL: config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL },
    { role: 'demo' },
  );
  const platform = await createPlatform(config, { log });
  const app = await buildApp(platform);
  await app.http.listen({ port: config.PORT, host: config.HOST });
  await platform.jobs.start();
  app.markStarted();
  const port = (app.http.server.address() as { port: number }).port;
  const admin = { phone: config.ADMIN_PHONE!, password: config.ADMIN_PASSWORD! };
  return {
    url: `http://localhost:${port}`,
    admin,
    async close() {
      await app.http.close();
      await platform.jobs.stop();
      await platform.close();
    },
  };
}

/** A console user with the dispatcher role; a second demo run signs the same one in (the data stays). */
async function ensureDispatcher(url: string, admin: { phone: string; password: string }) {
  const { phone, password, name } = DEMO_DISPATCHER;
  const dispatcher = await Session.signup(url, { phone, password, name, role: 'rider' }).catch((err: unknown) => {
    if (err instanceof ApiError && err.status === 409) return Session.login(url, { phone, password });
    throw err;
  });
  const signedIn = await Session.login(url, admin);
  const path = { id: dispatcher.id };
  await unwrap(
    signedIn.api.PUT('/api/v1/admin/users/{id}/roles', { params: { path }, body: { roles: ['dispatcher'] } }),
  );
  return { phone, password };
}

function printWelcome(url: string, admin: { phone: string; password: string }, dispatcher: typeof admin) {
  process.stdout.write(
    [
      '',
      `SmartLine demo running at ${url}`,
      `  console          ${url}/console`,
      `  API reference    ${url}/api/docs`,
      `  admin login      ${admin.phone} / ${admin.password}  (POST ${url}/api/v1/auth/login)`,
      `  dispatcher       ${dispatcher.phone} / ${dispatcher.password}  (the console's map, trips, drivers, SOS)`,
      `  drivers, riders  "Sim Driver n" / "Sim Rider n" (GET /api/v1/admin/drivers lists them), password ${SIM_PASSWORD}`,
      'Ctrl-C stops it; the data stays for the next `npm start` or `npm run demo`.',
      '',
    ].join('\n'),
  );
}

async function main() {
  const { values } = parseArgs({ options: OPTIONS, allowPositionals: false });
  const server = await startDemoServer();
  printWelcome(server.url, server.admin, await ensureDispatcher(server.url, server.admin));
  process.stdout.write('signing up the city: drivers go online within a minute, riders request every ~2 min\n');
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(1); // a second Ctrl-C does not wait
    stopping = true;
    process.stdout.write('stopping: open trips cancelled, drivers offline, data kept\n');
    stopSimulations();
  };
  process.on('SIGINT', stop).on('SIGTERM', stop);
  const sim = parseArgs({ options: SIM_OPTIONS, args: [] }).values;
  await simulate({
    ...sim,
    drivers: values.drivers,
    riders: values.riders,
    'area-km': values['area-km'],
    rate: values.rate ?? String(Number(values.riders) / DEMO_RIDER_REQUEST_EVERY_MIN),
    'service-share': values['service-share'] ?? sim['service-share'],
    minutes: String(DEMO_MINUTES),
    speed: '1',
    url: server.url,
    'admin-phone': server.admin.phone,
    'admin-password': server.admin.password,
    mode: 'demo',
  });
  await server.close();
  process.stdout.write('demo stopped\n');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
