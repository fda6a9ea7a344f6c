/**
 * `npm run sim -- --drivers N --riders M --minutes T`: a Cairo city driving
 * the real server over HTTP and Socket.IO, as the apps do. By default the
 * server runs in this process (sim/server.ts); `--url` drives a running one
 * (which needs RATE_LIMITS_DISABLED=true and an admin: --admin-phone /
 * --admin-password or ADMIN_PHONE / ADMIN_PASSWORD). `--compare` runs the
 * batched-assignment comparison (bench/assign.bench.ts). `--faults` adds
 * drivers who vanish after accepting, GPS-spoofing drivers and noisy fixes
 * (sim/faults.ts) and reports what became of them. `--service-share` of the
 * requests are roadside jobs (issue 18), served by the `--provider-share` of
 * drivers whose capabilities the admin approved (sim/roadside-*.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Session, closeConnections, httpLatencyMs, unwrap } from './client.js';
import { SimClock } from './clock.js';
import { DriverAgent } from './driver-agent.js';
import { OtpBoard, RiderAgent } from './rider-agent.js';
import { buildScenario, type PlannedRequest } from './scenario.js';
import { startServer } from './server.js';
import { OPTIONS, settingsOf, type Settings, type Values } from './settings.js';
import { createDrivers, createRiders, declareCapabilities, pool } from './setup.js';
import { Stats, formatReport, type Report } from './stats.js';

export { OPTIONS, type Settings };

/** Reports go to local state unless --out says otherwise: bench/results/ holds benches' committed figures only. */
export const DEFAULT_OUT_DIR = resolve(import.meta.dirname, '../.data/sim');

async function connectServer(v: Values, s: Settings) {
  if (v.url) {
    const phone = v['admin-phone'] ?? process.env.ADMIN_PHONE;
    const password = v['admin-password'] ?? process.env.ADMIN_PASSWORD;
    if (!phone || !password)
      throw new Error('--url needs the admin: --admin-phone/--admin-password or ADMIN_PHONE/ADMIN_PASSWORD');
    return {
      url: v.url.replace(/\/$/, ''),
      admin: { phone, password },
      batches: async () => null,
      close: async () => {},
    };
  }
  return startServer({
    speed: s.speed,
    batchMode: s.batchMode,
    batchWindowSimMs: s.batchWindowS * 1000,
    logLevel: v['log-level']!,
  });
}

/** Arrivals in order; each goes to the next idle rider (none idle ⇒ counted as blocked). */
async function runArrivals(
  requests: PlannedRequest[],
  riders: RiderAgent[],
  clock: SimClock,
  stats: Stats,
  rides: Set<Promise<void>>,
) {
  let cursor = 0;
  for (const plan of requests) {
    if (!(await clock.until(plan.atMs))) return;
    const idle = riders.findIndex((_, k) => !riders[(cursor + k) % riders.length]!.busy);
    if (idle < 0) {
      stats.blocked++;
      continue;
    }
    const rider = riders[(cursor + idle) % riders.length]!;
    cursor = (cursor + idle + 1) % riders.length;
    const job = plan.service ? rider.roadside(plan, plan.service) : rider.ride(plan);
    const ride = job.finally(() => rides.delete(ride));
    rides.add(ride);
  }
}

/** A shared server keeps what the run leaves: cancel open trips and roadside jobs, take drivers offline. */
async function tidyRemote(admin: Session, stats: Stats, drivers: Session[]) {
  const open = [...stats.trips.values()].filter((t) => t.outcome === 'searching' || t.outcome === 'matched');
  const body = { reason: 'simulation ended' };
  await pool(open.length, 8, (i) =>
    unwrap(admin.api.POST('/api/v1/trips/{id}/cancel', { params: { path: { id: open[i]!.tripId } }, body })).catch(
      () => {},
    ),
  );
  const jobs = stats.roadside.open();
  await pool(jobs.length, 8, (i) =>
    unwrap(
      admin.api.POST('/api/v1/service-requests/{id}/status', {
        params: { path: { id: jobs[i]! } },
        body: { status: 'cancelled', ...body },
      }),
    ).catch(() => {}),
  );
  await pool(drivers.length, 8, (i) =>
    unwrap(drivers[i]!.api.POST('/api/v1/drivers/me/availability', { body: { available: false } })).catch(() => {}),
  );
}

/** Drivers with an open GPS fraud flag: one page of 100 (the client sees no cursor), flagged in the report if full. */
async function openFraudFlags(admin: Session, stats: Stats): Promise<Set<string>> {
  const query = { status: 'open', limit: 100 } as const;
  const page = await unwrap(admin.api.GET('/api/v1/admin/fraud-flags', { params: { query } }));
  if (page.length === 100) stats.error('fraud_flags:more_than_100_not_counted');
  return new Set(page.map((f) => f.driverId));
}

/** Ctrl-C ends the run early: the report covers the time simulated so far and the schema is still dropped. */
const running = new Set<SimClock>();
export function stopSimulations(): void {
  for (const clock of running) clock.stop();
}

export async function simulate(v: Values): Promise<Report> {
  const s = settingsOf(v);
  const say = (line: string) => (v.quiet ? undefined : process.stderr.write(`${line}\n`));
  const mode = v.mode ?? (v.url ? 'remote' : s.batchMode);
  const server = await connectServer(v, s);
  const sessions: Session[] = [];
  try {
    const admin = await Session.login(server.url, server.admin);
    const providers = Math.ceil(s.drivers * s.providerShare);
    say(`# ${server.url}: signing up ${s.drivers} drivers (${providers} also roadside) and ${s.riders} riders`);
    const driverSessions = await createDrivers(server.url, admin, s.drivers);
    const riderSessions = await createRiders(server.url, s.riders);
    sessions.push(...driverSessions, ...riderSessions);
    // Any share at all gives at least one provider; the first drivers are the ones who also take roadside jobs.
    await declareCapabilities(admin, driverSessions.slice(0, providers));
    const scenario = buildScenario({
      seed: s.seed,
      drivers: s.drivers,
      ratePerMin: s.ratePerMin,
      minutes: s.minutes,
      cancelProb: s.cancelProb,
      medianTripM: s.medianTripKm * 1000,
      areaM: s.areaKm === null ? undefined : s.areaKm * 1000,
      serviceShare: s.serviceShare,
    });
    const clock = new SimClock(s.speed);
    const stats = new Stats(s.warmupMin * 60_000);
    const board = new OtpBoard();
    stats.setDrivers(s.drivers);
    const drivers = driverSessions.map(
      (d, i) =>
        new DriverAgent(
          d,
          {
            ...{ clock, stats, board, rng: scenario.rng.fork(`driver:${i}`), behaviour: s },
            faults: s.faults ? { ...s.faults, spoofer: i < Math.round(s.drivers * s.faults.spooferShare) } : undefined,
          },
          scenario.driverStarts[i]!,
        ),
    );
    const riders = riderSessions.map((r) => new RiderAgent(r, { clock, stats, board }));
    await pool(drivers.length, 16, (i) => drivers[i]!.goOnline());
    await pool(riders.length, 16, (i) => riders[i]!.goOnline());
    const roadside = scenario.requests.filter((r) => r.service).length;
    say(
      `# ${scenario.requests.length} requests planned over ${s.minutes} simulated min at ${s.speed}x ` +
        `(${s.ratePerMin.toFixed(2)}/min, ${roadside} of them roadside jobs), mode ${mode}`,
    );
    httpLatencyMs.length = 0; // setup calls are not the run
    running.add(clock);
    clock.start();
    const started = performance.now();
    const rides = new Set<Promise<void>>();
    const streams = drivers.map((d) => d.streamPositions());
    const arrivals = runArrivals(scenario.requests, riders, clock, stats, rides);
    await clock.until(s.minutes * 60_000);
    const endMs = clock.now();
    running.delete(clock);
    const flagged = s.faults ? await openFraudFlags(admin, stats) : undefined;
    const report = stats.report({
      mode,
      settings: s,
      endMs,
      realSeconds: (performance.now() - started) / 1000,
      httpLatencyMs,
      batches: await server.batches(),
      flagged,
    });
    clock.stop();
    await Promise.all([arrivals, ...streams]);
    await Promise.race([Promise.allSettled([...rides]), new Promise((r) => setTimeout(r, 5_000))]);
    if (v.url) await tidyRemote(admin, stats, driverSessions);
    return report;
  } finally {
    for (const session of sessions) session.close();
    closeConnections();
    await server.close();
  }
}

/** `simulate` from command-line style arguments (the smoke test uses it). */
export function simulateArgs(args: string[]): Promise<Report> {
  return simulate(parseArgs({ args, options: OPTIONS, allowPositionals: false }).values);
}

async function main() {
  const { values } = parseArgs({ options: OPTIONS, allowPositionals: false });
  if (values.help) {
    process.stdout.write(
      `usage: npm run sim -- [--drivers N] [--riders M] [--minutes T] [--speed S] [--batch off|greedy|munkres] [--service-share S] [--url URL] [--compare] …\noptions: ${Object.keys(
        OPTIONS,
      )
        .map((k) => `--${k}`)
        .join(' ')}\n`,
    );
    return;
  }
  process.once('SIGINT', stopSimulations).once('SIGTERM', stopSimulations);
  if (values.compare) {
    // Kept so `npm run sim -- --compare` still works; the comparison is a bench and lives in bench/.
    const { runComparison } = await import('../bench/assign.bench.js');
    return runComparison(process.argv.slice(2).filter((a) => a !== '--compare'));
  }
  const report = await simulate(values);
  const out = resolve(values.out ?? resolve(DEFAULT_OUT_DIR, `sim-${report.mode}.json`));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ ranAt: new Date().toISOString(), ...report }, null, 2)}\n`);
  if (!values.quiet) process.stdout.write(`${formatReport(report)}\n  written            ${out}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`sim failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
