/**
 * The dispatch bench's stack: a full app on a scratch schema with an offer
 * recorder in place of sockets, and bulk seeding of riders, drivers (with hot
 * positions) and trust data (ratings, blocks) straight in SQL.
 */
import { randomBytes } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import type { Platform } from '../../src/platform/runtime.js';
import type { App } from '../../src/app.js';
import { KeyRing } from '../../src/modules/auth/index.js';
import type { RealtimeEmitter } from '../../src/platform/realtime/emitter.js';
import { dropScratchSchema } from '../../support/scratch-schema.js';
import { DATABASE_URL } from './socket-fleet.js';
import { startBenchApp } from './bench-app.js';

const TAHRIR = { lat: 30.0444, lng: 31.2357 };
/** Issue 16's trust scenario: each rider blocks this many drivers and is blocked by BLOCKS_OF_RIDER. */
export const BLOCKS_BY_RIDER = 20;
const BLOCKS_OF_RIDER = 5;

export type Point = { lat: number; lng: number };
export const scatter = (rand: () => number, spreadDeg: number): Point => ({
  lat: TAHRIR.lat + (rand() * 2 - 1) * spreadDeg,
  lng: TAHRIR.lng + (rand() * 2 - 1) * spreadDeg,
});

/** Records when each trip's first offer was emitted, and lets a scenario react to offers. */
export class OfferRecorder implements RealtimeEmitter {
  readonly firstOfferAt = new Map<string, number>();
  onOffer: ((driverId: string, tripId: string) => void) | undefined;
  toUser(userId: string, event: string, payload: Record<string, unknown>) {
    // A service request's offer (issue 18) is timed the same way, keyed by its id.
    if (event !== 'trip:offer' && event !== 'request:offer') return;
    const tripId = String(payload.tripId ?? payload.requestId);
    if (!this.firstOfferAt.has(tripId)) this.firstOfferAt.set(tripId, performance.now());
    this.onOffer?.(userId, tripId);
  }
  toRoom() {}
  toAdmins() {}
  joinUserToRoom() {}
}

export interface Stack {
  platform: Platform;
  app: App;
  keyRing: KeyRing;
  ttlS: number;
  recorder: OfferRecorder;
  close(): Promise<void>;
}

export async function startStack(name: string, env: Record<string, string>): Promise<Stack> {
  const schema = `bench_dispatch_${name}_${randomBytes(3).toString('hex')}`;
  const { config, platform, app } = await startBenchApp({ databaseUrl: DATABASE_URL, schema, env });
  await app.http.ready();
  const recorder = new OfferRecorder();
  platform.realtime.attach(recorder);
  await platform.jobs.start();
  return {
    platform,
    app,
    recorder,
    keyRing: new KeyRing(config.jwtKeys, config.jwtActiveKid),
    ttlS: config.ACCESS_TOKEN_TTL_S,
    async close() {
      await app.http.close();
      await platform.jobs.stop();
      await dropScratchSchema(platform.database.pool, schema);
      await platform.close();
    },
  };
}

/** `n` users of a role with one session each; returns ids and signed access tokens. */
export async function seedUsers(stack: Stack, role: 'rider' | 'driver', n: number, phonePrefix: string) {
  const pool = stack.platform.database.pool;
  const passwordHash = await hash('bench-password');
  const users = await pool.query<{ id: string }>(
    `INSERT INTO users (phone, name, role, password_hash) SELECT $1 || lpad(g::text, 8, '0'), 'Bench ' || $2, $2, ` +
      `$3 FROM generate_series(1, $4::int) g RETURNING id`,
    [phonePrefix, role, passwordHash, n],
  );
  const ids = users.rows.map((r) => r.id);
  const sessions = await pool.query<{ id: string; user_id: string }>(
    'INSERT INTO sessions (user_id) SELECT unnest($1::uuid[]) RETURNING id, user_id',
    [ids],
  );
  const tokens = await Promise.all(
    sessions.rows.map(async (s) => ({
      id: s.user_id,
      token: (await stack.keyRing.sign({ sub: s.user_id, role, sid: s.id }, stack.ttlS)).token,
    })),
  );
  return tokens;
}

/** Approved, available economy drivers in Postgres and fresh positions in hot state. */
export async function seedDrivers(stack: Stack, n: number, place: () => Point) {
  const drivers = await seedUsers(stack, 'driver', n, '+2015');
  await stack.platform.database.pool.query(
    `INSERT INTO driver_profiles (user_id, vehicle_class, vehicle, approved, state)
     SELECT unnest($1::uuid[]), 'economy', '{"make":"Toyota","model":"Corolla","plate":"BEN 1","color":"white"}', true, 'available'`,
    [drivers.map((d) => d.id)],
  );
  const positions = drivers.map((d) => ({ driverId: d.id, ...place() }));
  const refresh = async () => {
    const at = Date.now();
    for (const p of positions)
      await stack.platform.hotState.upsertDriverPosition({ ...p, vehicleClass: 'economy', available: true, at });
  };
  await refresh();
  return { drivers, refresh };
}

/**
 * Ratings spread 3.5..5.0 on every driver, and each rider's blocks both ways
 * (drivers picked at random), written as the rate and block paths leave them.
 */
export async function seedTrust(stack: Stack, driverIds: string[], riderIds: string[], rand: () => number) {
  const pool = stack.platform.database.pool;
  await pool.query(
    'UPDATE driver_profiles p SET rating = r.rating, ratings_count = 20 FROM unnest($1::uuid[], $2::numeric[]) ' +
      'AS r(id, rating) WHERE p.user_id = r.id',
    [driverIds, driverIds.map(() => (3.5 + rand() * 1.5).toFixed(2))],
  );
  const pick = () => driverIds[Math.floor(rand() * driverIds.length)]!;
  const pairs: Array<[string, string]> = riderIds.flatMap((rider) => [
    ...Array.from({ length: BLOCKS_BY_RIDER }, (): [string, string] => [rider, pick()]),
    ...Array.from({ length: BLOCKS_OF_RIDER }, (): [string, string] => [pick(), rider]),
  ]);
  await pool.query(
    "INSERT INTO user_blocks (blocker_id, blocked_id, source) SELECT b, d, 'manual' " +
      'FROM unnest($1::uuid[], $2::uuid[]) AS x(b, d) ON CONFLICT DO NOTHING',
    [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
  );
}

export async function inject(app: App, method: 'POST' | 'GET', url: string, token: string, body?: unknown) {
  return app.http.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload: body as object });
}
