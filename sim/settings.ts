/** The simulator's command-line options and the settings a run derives from them (sim/city.ts). */
import type { parseArgs } from 'node:util';
import type { BatchMode } from './server.js';

export const OPTIONS = {
  drivers: { type: 'string', default: '50' },
  riders: { type: 'string', default: '30' },
  minutes: { type: 'string', default: '10' },
  speed: { type: 'string', default: '10' },
  // requests per simulated minute; default: each rider about every half hour, or once per run when it is shorter
  rate: { type: 'string' },
  seed: { type: 'string', default: '1' },
  decline: { type: 'string', default: '0.1' },
  'cancel-prob': { type: 'string', default: '0.3' },
  'driver-cancel-prob': { type: 'string', default: '0.02' },
  kmh: { type: 'string', default: '25' },
  'trip-km': { type: 'string', default: '4' },
  'location-every': { type: 'string', default: '4' },
  'area-km': { type: 'string' }, // confine the city to this radius around downtown
  boarding: { type: 'string', default: '60' }, // longest wait at the pickup for the rider to get in, simulated s
  'service-share': { type: 'string', default: '0.2' }, // share of requests that are roadside jobs (issue 18)
  'provider-share': { type: 'string', default: '0.3' }, // share of drivers who also take roadside jobs
  'service-work': { type: 'string', default: '900' }, // longest on-site work of a roadside job, simulated s
  batch: { type: 'string', default: 'off' },
  'batch-window': { type: 'string', default: '10' },
  warmup: { type: 'string', default: '0' },
  url: { type: 'string' },
  'admin-phone': { type: 'string' },
  'admin-password': { type: 'string' },
  mode: { type: 'string' },
  out: { type: 'string' },
  'log-level': { type: 'string', default: 'silent' },
  quiet: { type: 'boolean', default: false },
  compare: { type: 'boolean', default: false },
  faults: { type: 'boolean', default: false },
  'vanish-prob': { type: 'string', default: '0.1' },
  spoofers: { type: 'string', default: '0.1' },
  'jump-prob': { type: 'string', default: '0.3' },
  'noise-prob': { type: 'string', default: '0.02' },
  help: { type: 'boolean', default: false },
} as const;

/** A rider's habit in the default load: one trip per simulated half hour. */
const RIDER_REQUEST_EVERY_MIN = 30;

export type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

function num(values: Values, key: keyof Values, min: number, max = Infinity): number {
  const x = Number(values[key]);
  if (!Number.isFinite(x) || x < min || x > max)
    throw new Error(`--${String(key)} must be a number in [${min}, ${max}], got ${String(values[key])}`);
  return x;
}

export function settingsOf(v: Values) {
  const batch = v.batch as BatchMode;
  if (!['off', 'greedy', 'munkres'].includes(batch)) throw new Error('--batch must be off, greedy or munkres');
  if (v.url && batch !== 'off')
    throw new Error('--batch applies to the in-process server; set DISPATCH_BATCH_MODE on the one at --url');
  const riders = num(v, 'riders', 1);
  const minutes = num(v, 'minutes', 0.1);
  return {
    drivers: num(v, 'drivers', 1),
    riders,
    minutes,
    speed: num(v, 'speed', 1, 100),
    ratePerMin: v.rate === undefined ? riders / Math.min(RIDER_REQUEST_EVERY_MIN, minutes) : num(v, 'rate', 0),
    seed: num(v, 'seed', 0),
    declineProb: num(v, 'decline', 0, 1),
    cancelProb: num(v, 'cancel-prob', 0, 1),
    driverCancelProb: num(v, 'driver-cancel-prob', 0, 1),
    kmh: num(v, 'kmh', 1, 120),
    medianTripKm: num(v, 'trip-km', 0.5, 20),
    locationEveryS: num(v, 'location-every', 1),
    boardingS: num(v, 'boarding', 1, 600),
    serviceShare: num(v, 'service-share', 0, 1),
    providerShare: num(v, 'provider-share', 0, 1),
    serviceWorkS: num(v, 'service-work', 1, 7_200),
    areaKm: v['area-km'] === undefined ? null : num(v, 'area-km', 0.2, 20),
    batchMode: batch,
    batchWindowS: num(v, 'batch-window', 0.1, 60),
    warmupMin: num(v, 'warmup', 0),
    target: v.url ?? 'in-process',
    faults: v.faults
      ? {
          vanishProb: num(v, 'vanish-prob', 0, 1),
          spooferShare: num(v, 'spoofers', 0, 1),
          jumpProb: num(v, 'jump-prob', 0, 1),
          noiseProb: num(v, 'noise-prob', 0, 1),
        }
      : null,
  };
}
export type Settings = ReturnType<typeof settingsOf>;
