/**
 * One fleet of simulated drivers for bench/location.bench.ts, in its own
 * process (one process may hold 20,000 descriptors here: two fleets of 16,000
 * would not fit in one). Driven over IPC:
 *   → {cmd:'connect', url, tokens}  ← {connectMs}
 *   → {cmd:'run', intervalS, seconds, once}  ← {tally}
 *   → {cmd:'close'} closes the sockets and exits.
 * Every driver sends `driver:location_update` with an ack, one fix per
 * interval (random phase), stamped like a phone's GPS: now, but never closer
 * than the interval to its previous fix — a cadence the product accepts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Socket as ClientSocket } from 'socket.io-client';
import { closeFleet, connectFleet } from './socket-fleet.js';

const MAX_INFLIGHT = Number(process.env.BENCH_MAX_INFLIGHT ?? 5);
const CAIRO = { lat: 30.0444, lng: 31.2357 };
/** A window waits up to this long after its last send for acks still on the way (they count). */
const STRAGGLERS_MS = 1_500;

export interface Tally {
  accepted: number;
  acked: number;
  notAccepted: number;
  errors: number;
  errorCodes: Record<string, number>;
  skipped: number;
  latencies: number[];
  elapsedS: number;
}

interface Driver {
  socket: ClientSocket;
  lat: number;
  lng: number;
  /** Time of the last fix sent (epoch ms); 0 before the first. */
  fixAt: number;
  inflight: number;
}

type Reply = { ok: boolean; data?: { accepted: boolean }; error?: { code: string } };

let drivers: Driver[] = [];

function send(d: Driver, intervalMs: number, t: Tally & { open: boolean }): void {
  if (d.inflight >= MAX_INFLIGHT) return void t.skipped++;
  d.inflight++;
  d.fixAt = d.fixAt === 0 ? Date.now() : Math.max(Date.now(), d.fixAt + intervalMs);
  d.lat += (Math.random() - 0.5) * 2e-4;
  d.lng += (Math.random() - 0.5) * 2e-4;
  const sentAt = performance.now();
  const payload = { lat: d.lat, lng: d.lng, heading: 90, speed: 8, accuracy: 5, timestamp: d.fixAt };
  d.socket.emit('driver:location_update', payload, (reply: Reply) => {
    d.inflight--;
    if (!t.open) return; // only acks that land inside the window count
    t.acked++;
    t.latencies.push(performance.now() - sentAt);
    if (reply.ok && reply.data?.accepted) t.accepted++;
    else if (reply.ok) t.notAccepted++;
    else {
      t.errors++;
      const code = reply.error?.code ?? 'UNKNOWN';
      t.errorCodes[code] = (t.errorCodes[code] ?? 0) + 1;
    }
  });
}

/** Resolves once no driver waits for an ack, or after `maxMs`. */
async function drained(maxMs: number): Promise<void> {
  const until = performance.now() + maxMs;
  while (performance.now() < until && drivers.some((d) => d.inflight > 0)) await sleep(20);
}

/** Every driver sends one fix per `intervalS` for `seconds`; `once` = a single fix each, stragglers included. */
async function run(intervalS: number, seconds: number, once: boolean): Promise<Tally> {
  const t = {
    accepted: 0,
    acked: 0,
    notAccepted: 0,
    errors: 0,
    errorCodes: {},
    skipped: 0,
    latencies: [] as number[],
    elapsedS: 0,
    open: true,
  };
  const periodMs = intervalS * 1000;
  const timers: NodeJS.Timeout[] = [];
  const started = performance.now();
  for (const d of drivers) {
    // Random phase: phones do not all fire in the same millisecond.
    timers.push(
      setTimeout(() => {
        send(d, periodMs, t);
        if (!once) timers.push(setInterval(() => send(d, periodMs, t), periodMs));
      }, Math.random() * periodMs),
    );
  }
  await sleep(seconds * 1000);
  for (const timer of timers) clearTimeout(timer);
  const sendingS = (performance.now() - started) / 1000;
  // Acks still on the way count (the slowest are the tail the p99 is about), up to STRAGGLERS_MS.
  await drained(STRAGGLERS_MS);
  t.open = false;
  // Rates are per second of sending (`once`: the stragglers' wait included, as before).
  t.elapsedS = once ? (performance.now() - started) / 1000 : sendingS;
  const { open: _open, ...tally } = t;
  return tally;
}

process.on(
  'message',
  (msg: {
    cmd: string;
    url?: string;
    tokens?: Array<string | null>;
    intervalS?: number;
    seconds?: number;
    once?: boolean;
  }) => {
    void (async () => {
      if (msg.cmd === 'connect') {
        const started = performance.now();
        const sockets = await connectFleet(
          msg.url!,
          msg.tokens!.map((tok) => tok ?? undefined),
        );
        drivers = sockets.map((socket) => ({
          socket,
          lat: CAIRO.lat + (Math.random() - 0.5) * 0.3,
          lng: CAIRO.lng + (Math.random() - 0.5) * 0.3,
          fixAt: 0,
          inflight: 0,
        }));
        process.send!({ connectMs: Math.round(performance.now() - started) });
      } else if (msg.cmd === 'run') {
        process.send!({ tally: await run(msg.intervalS!, msg.seconds!, msg.once ?? false) });
      } else if (msg.cmd === 'close') {
        closeFleet(drivers.map((d) => d.socket));
        process.exit(0);
      }
    })().catch((err: unknown) => {
      process.stderr.write(`location fleet failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    });
  },
);
