/**
 * bench:webhooks' timed trip transitions: riders request and cancel trips
 * one after another, every HTTP call timed, with and without ten webhook
 * endpoints subscribed to everything (one of them hanging).
 */
import type { App } from '../../src/app.js';
import { distribution } from './stats.js';
import { countRoundTrips } from './round-trips.js';
import { setTimeout as sleep } from 'node:timers/promises';

const roundTrips = countRoundTrips();
export const TRIP_BODY = {
  pickup: { lat: 30.0444, lng: 31.2357 },
  dropoff: { lat: 30.0626, lng: 31.2497 },
  vehicleClass: 'economy',
  paymentMethod: 'cash',
};

export async function call(app: App, token: string, method: 'POST', url: string, payload: unknown) {
  const res = await app.http.inject({
    method,
    url,
    payload: payload as object,
    headers: { authorization: `Bearer ${token}` },
  });
  if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

/**
 * Request + cancel for each rider, one after another; every HTTP call timed
 * (ms). With `paceMs`, trip n starts no earlier than n × paceMs after the
 * first: a steady rate below what one caller can drive.
 */
async function tripTransitions(app: App, riders: string[], paceMs = 0) {
  const samples: number[] = [];
  const start = performance.now();
  for (const [n, token] of riders.entries()) {
    const wait = start + n * paceMs - performance.now();
    if (wait > 0) await sleep(wait);
    let t0 = performance.now();
    const trip = (await call(app, token, 'POST', '/api/v1/trips', TRIP_BODY)).data;
    samples.push(performance.now() - t0);
    t0 = performance.now();
    await call(app, token, 'POST', `/api/v1/trips/${trip.id}/cancel`, { reason: 'bench' });
    samples.push(performance.now() - t0);
  }
  return samples;
}

async function signup(app: App, n: number) {
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) {
    const phone = `+2012${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const res = await app.http.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: { phone, password: 'password-123', name: `Bench ${i}`, role: 'rider' },
    });
    tokens.push(res.json().data.accessToken as string);
  }
  return tokens;
}

/**
 * Round trips to Postgres from this process per transition while `phase`
 * runs: the API's own, plus (with endpoints) the fan-out and sending that
 * compete with it for the database.
 */
async function counted<T extends unknown[]>(tally: { trips: number; transitions: number }, phase: () => Promise<T>) {
  const before = roundTrips();
  const samples = await phase();
  tally.trips += roundTrips() - before;
  tally.transitions += samples.length;
  return samples;
}

export async function transitionRounds(
  app: App,
  opts: { adminToken: string; healthy: string; hanging: string; trips: number; rounds: number; paceMs?: number },
) {
  const { adminToken, healthy, hanging } = opts;
  const riders = await signup(app, opts.trips);
  const none: number[] = [];
  const ten: number[] = [];
  const noneTrips = { trips: 0, transitions: 0 };
  const tenTrips = { trips: 0, transitions: 0 };
  for (let r = 0; r < opts.rounds; r++) {
    none.push(...(await counted(noneTrips, () => tripTransitions(app, riders, opts.paceMs))));
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const url = i === 0 ? hanging : healthy;
      ids.push((await call(app, adminToken, 'POST', '/api/v1/admin/webhooks', { url, events: ['*'] })).data.id);
    }
    ten.push(...(await counted(tenTrips, () => tripTransitions(app, riders, opts.paceMs))));
    for (const id of ids)
      await app.http.inject({
        method: 'DELETE',
        url: `/api/v1/admin/webhooks/${id}`,
        headers: { authorization: `Bearer ${adminToken}` },
      });
  }
  const perTransition = (t: typeof noneTrips) => Math.round((t.trips / t.transitions) * 10) / 10;
  return {
    none: distribution(none),
    tenOneHanging: distribution(ten),
    roundTripsPerTransition: { none: perTransition(noneTrips), tenOneHanging: perTransition(tenTrips) },
  };
}
