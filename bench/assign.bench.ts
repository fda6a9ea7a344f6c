/**
 * `npm run bench:assign` (or `npm run sim -- --compare`): batched assignment,
 * greedy vs Hungarian (munkres), on one seeded city at about 70 % and 90 %
 * driver utilisation. Each run is its own process with its own server and
 * schema (the simulator, sim/city.ts); the seed makes drivers, requests and positions the
 * same in every run. Writes bench/results/assign.json.
 *
 * Options: --drivers (150), --minutes (50, of which --warmup 20 not counted:
 * trips last about 20 simulated minutes, so the city needs that to fill up),
 * --speed (10), --loads (0.7,0.9), --modes (greedy,munkres), --batch-window
 * (20 simulated s), --busy-min (expected minutes a trip keeps a driver, to
 * turn a target utilisation into a request rate), --seed; any other sim
 * option is passed through.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Report } from '../sim/stats.js';
import { writeFigures } from './support/figures.js';

const RESULTS = resolve(import.meta.dirname, 'results/assign.json');
const CITY = resolve(import.meta.dirname, '../sim/city.ts');

const OPTIONS = {
  drivers: { type: 'string', default: '150' },
  minutes: { type: 'string', default: '50' },
  warmup: { type: 'string', default: '20' },
  speed: { type: 'string', default: '10' },
  loads: { type: 'string', default: '0.7,0.9' },
  modes: { type: 'string', default: 'greedy,munkres' },
  'batch-window': { type: 'string', default: '20' },
  'busy-min': { type: 'string', default: '15' },
  seed: { type: 'string', default: '7' },
  out: { type: 'string' },
} as const;

function runCity(args: string[]): Promise<Report> {
  const out = join(tmpdir(), `smartline-assign-${process.pid}-${Date.now()}.json`);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CITY, ...args, '--out', out, '--quiet'], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`sim exited ${code}: ${args.join(' ')}`));
      const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
      rmSync(out, { force: true });
      resolvePromise(report);
    });
  });
}

interface Row {
  targetLoad: number;
  mode: string;
  report: Report;
}

const pad = (x: unknown, n: number) => String(x ?? 'n/a').padStart(n);

function table(rows: Row[]): string {
  const head = `${'load'.padEnd(6)}${'mode'.padEnd(9)}${pad('util', 7)}${pad('reqs', 6)}${pad('match', 8)}${pad('ttm p50', 9)}${pad('ttm p95', 9)}${pad('pickup p50', 12)}${pad('pickup mean', 13)}${pad('no_drv', 8)}${pad('batch', 7)}`;
  const lines = rows.map(
    ({ targetLoad, mode, report: r }) =>
      `${`${Math.round(targetLoad * 100)} %`.padEnd(6)}${mode.padEnd(9)}${pad(`${(r.utilisation * 100).toFixed(0)}%`, 7)}${pad(r.requests, 6)}` +
      `${pad(`${(r.matchRate * 100).toFixed(1)}%`, 8)}${pad(`${r.timeToMatchS.p50}s`, 9)}${pad(`${r.timeToMatchS.p95}s`, 9)}` +
      `${pad(`${r.pickupDistanceM.p50} m`, 12)}${pad(`${r.pickupDistanceM.mean} m`, 13)}${pad(r.cancellations.noDrivers, 8)}${pad(r.batches?.meanTrips, 7)}`,
  );
  return [head, ...lines].join('\n');
}

/** munkres ÷ greedy per load: < 1 means the Hungarian assignment picked up closer. */
function ratios(rows: Row[], loads: number[]) {
  return loads.flatMap((load) => {
    const of = (mode: string) => rows.find((r) => r.targetLoad === load && r.mode === mode)?.report;
    const [g, m] = [of('greedy'), of('munkres')];
    if (
      !g ||
      !m ||
      !g.pickupDistanceM.mean ||
      !m.pickupDistanceM.mean ||
      !g.pickupDistanceM.p50 ||
      !m.pickupDistanceM.p50
    )
      return [];
    const r3 = (x: number) => Math.round(x * 1000) / 1000;
    return [
      {
        load,
        pickupMean: r3(m.pickupDistanceM.mean / g.pickupDistanceM.mean),
        pickupP50: r3(m.pickupDistanceM.p50 / g.pickupDistanceM.p50),
        matchRate: r3(m.matchRate / g.matchRate),
      },
    ];
  });
}

export async function runComparison(argv: string[]): Promise<void> {
  // Ctrl-C reaches the running child too, which cleans up after itself; no further runs start.
  process.once('SIGINT', () => process.exit(130));
  const { values, tokens } = parseArgs({ args: argv, options: OPTIONS, strict: false, tokens: true });
  const passThrough = tokens.flatMap((t) =>
    t.kind === 'option' && !(t.name in OPTIONS) ? [t.rawName, ...(t.value === undefined ? [] : [t.value])] : [],
  );
  const drivers = Number(values.drivers);
  const loads = String(values.loads).split(',').map(Number);
  const modes = String(values.modes).split(',');
  const busyMin = Number(values['busy-min']);
  const rows: Row[] = [];
  for (const load of loads) {
    // Arrivals that would keep `load` of the drivers on trips, and enough riders that one is always idle.
    const rate = (load * drivers) / busyMin;
    const riders = Math.ceil(rate * busyMin * 1.5) + 10;
    for (const mode of modes) {
      const args = [
        '--drivers',
        String(drivers),
        '--riders',
        String(riders),
        '--rate',
        rate.toFixed(3),
        '--minutes',
        String(values.minutes),
        '--warmup',
        String(values.warmup),
        '--speed',
        String(values.speed),
        '--seed',
        String(values.seed),
        '--batch',
        mode,
        '--batch-window',
        String(values['batch-window']),
        '--mode',
        `${mode}-${Math.round(load * 100)}`,
        // Batched assignment is about rides, and the target load counts rides only (pass it to add roadside jobs).
        '--service-share',
        '0',
        ...passThrough,
      ];
      process.stderr.write(
        `# load ${load}, ${mode}: ${rate.toFixed(2)} requests/min, ${drivers} drivers, ${riders} riders\n`,
      );
      rows.push({ targetLoad: load, mode, report: await runCity(args) });
      process.stderr.write(`${table(rows.slice(-1))}\n`);
    }
  }
  const ratioRows = ratios(rows, loads);
  const out = resolve(String(values.out ?? RESULTS));
  mkdirSync(resolve(out, '..'), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ ranAt: new Date().toISOString(), options: { ...values, passThrough }, rows, ratios: ratioRows }, null, 2)}\n`,
  );
  process.stdout.write(`${table(rows)}\n`);
  const pickup = (load: number, mode: string) =>
    rows.find((r) => r.targetLoad === load && r.mode === mode)?.report.pickupDistanceM.mean ?? 0;
  writeFigures(
    'assign',
    ratioRows.map((r) => ({
      figure: `mean pickup distance, munkres, ${Math.round(r.load * 100)} % utilisation`,
      unit: 'm',
      smartline: pickup(r.load, 'munkres'),
      baselineName: 'greedy',
      baseline: pickup(r.load, 'greedy'),
      ratio: r.pickupMean,
    })),
  );
  for (const r of ratioRows) {
    process.stdout.write(
      `ratio munkres/greedy at ${Math.round(r.load * 100)} %: pickup mean ${r.pickupMean}, pickup p50 ${r.pickupP50}, match rate ${r.matchRate}\n`,
    );
  }
  process.stdout.write(`written ${out}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  runComparison(process.argv.slice(2)).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`comparison failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
