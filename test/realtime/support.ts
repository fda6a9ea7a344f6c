import { createServer } from 'node:net';
import type { Socket as ClientSocket } from 'socket.io-client';
import { offerTrip } from '../../src/modules/trips/index.js';
import type { TestApp, TestUser } from '../../support/harness.js';

export const CAIRO_PICKUP = { lat: 30.0444, lng: 31.2357 };
export const CAIRO_DROPOFF = { lat: 30.0626, lng: 31.2497 };

export interface Ack<T = any> {
  ok: boolean;
  data?: T;
  error?: { code: string; message: string; details?: unknown };
}

/** Emits with an ack and waits for it (fails the test after `ms` instead of hanging). */
export function ack<T = any>(socket: ClientSocket, event: string, payload?: unknown, ms = 5_000): Promise<Ack<T>> {
  const s = socket.timeout(ms);
  return (payload === undefined ? s.emitWithAck(event) : s.emitWithAck(event, payload)) as Promise<Ack<T>>;
}

/** Resolves with the next `event` payload, or rejects after `ms`. */
export function next<T = any>(socket: ClientSocket, event: string, ms = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, handler);
      reject(new Error(`no ${event} within ${ms} ms`));
    }, ms);
    const handler = (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    };
    socket.once(event, handler);
  });
}

/** Collects every payload of the given events (for "exactly once" and ordering assertions). */
export function record(socket: ClientSocket, events: string[]): Array<{ event: string; payload: any }> {
  const seen: Array<{ event: string; payload: any }> = [];
  for (const event of events) socket.on(event, (payload: unknown) => seen.push({ event, payload }));
  return seen;
}

/** Rejects with the connect_error (for handshake failures). */
export async function connectError(
  t: TestApp,
  token: string | undefined,
): Promise<{ message: string; data?: { code: string; retryAfter?: number } }> {
  try {
    const s = await t.connectSocket(token);
    s.disconnect();
  } catch (err) {
    return err as { message: string; data?: { code: string } };
  }
  throw new Error('expected connect_error');
}

/** Rider requests a trip, it is offered to the driver and the driver accepts (via HTTP, like the apps). */
export async function acceptedTrip(t: TestApp, rider: TestUser, driver: TestUser, extraDrivers: TestUser[] = []) {
  const created = await t.api('POST', '/api/v1/trips', {
    token: rider.accessToken,
    body: { pickup: CAIRO_PICKUP, dropoff: CAIRO_DROPOFF, vehicleClass: 'economy', paymentMethod: 'cash' },
  });
  if (created.status !== 201) throw new Error(`trip create failed: ${JSON.stringify(created.body)}`);
  const trip = created.body.data;
  // Dispatch may be offering this trip to nearby drivers at the same moment: a deadlock with it is retried.
  await eventually(
    () =>
      offerTrip(t.platform.database.db, {
        tripId: trip.id,
        driverIds: [driver.id, ...extraDrivers.map((d) => d.id)],
        round: 1,
        expiresAt: new Date(Date.now() + 60_000),
      }).then(
        () => true,
        (err: { code?: string }) => {
          if (err.code !== '40P01') throw err;
          return false;
        },
      ),
    5_000,
    20,
  );
  const accepted = await t.api('POST', `/api/v1/trips/${trip.id}/driver-response`, {
    token: driver.accessToken,
    body: { action: 'accept' },
  });
  if (accepted.status !== 200) throw new Error(`accept failed: ${JSON.stringify(accepted.body)}`);
  return accepted.body.data as { id: string; version: number; status: string };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a truthy value or `ms` pass. */
export async function eventually<T>(check: () => Promise<T> | T, ms = 5_000, stepMs = 25): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms`);
    await sleep(stepMs);
  }
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
