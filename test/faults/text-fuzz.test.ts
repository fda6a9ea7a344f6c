/**
 * An attacker's fuzz, kept: every route and socket event that stores text
 * gets arbitrary strings (full Unicode, lone surrogates, NUL, controls, bidi
 * marks) in its text fields. Whatever the string, the answer is never a 5xx
 * and never an INTERNAL ack. Seeded and bounded (RUNS per target) so it runs
 * in well under a minute; FUZZ_SEED replays a failure.
 *
 * Targets (request schemas with z.string() on write routes + socket events):
 * signup name; driver vehicle; provider service types; trip addresses; trip
 * cancel reason; chat text / clientMessageId (HTTP and chat:send); message
 * report reason; SOS note (HTTP and sos:trigger); emergency contact name;
 * booking address / notes; booking status reason; booking delete reason; push
 * token; admin api-key name, flag reason, pricing event name, time-window
 * description; Idempotency-Key header; query string and path params.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Socket as ClientSocket } from 'socket.io-client';
import { startTestApp, randomPhone, type TestApp, type TestUser, type ApiResponse } from '../../support/harness.js';
import { ack } from '../realtime/support.js';
import { provider, freshSlot, bookingBody, book } from '../bookings/fixtures.js';
import { OWN_OFFERS, TRIP_BODY, acceptedTrip } from '../support/fixtures.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_260_612);
const RUNS = 14; // × 20 targets = 280 runs

const SPECIALS = [
  '\u0000',
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
  '\u202e',
  '\u2066',
  '\u0085',
  '\u0007',
  '\u001b',
  '\u007f',
  '\n',
  '\r',
  '\t',
  '\u{1F600}',
];
/** Any UTF-16 code unit or code point, lone surrogates included. */
const anyChar = fc
  .integer({ min: 0, max: 0x10ffff })
  .map((cp) => (cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp)));
const unit = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...SPECIALS) },
  { weight: 3, arbitrary: anyChar },
  { weight: 3, arbitrary: fc.constantFrom('a', 'Z', '7', 'م', ' ', '-') },
);
const text = fc.oneof(
  fc.string({ unit, minLength: 1, maxLength: 24 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }),
);

interface Outcome {
  status: number;
  code?: string;
}
type Target = (s: string) => Promise<Outcome>;

/** State a write uses up (a trip cancelled, a booking deleted): made again after each success. */
function renewing<T>(make: () => Promise<T>) {
  let current: Promise<T> | undefined;
  return {
    get: () => (current ??= make()),
    after: (res: Outcome) => {
      if (res.status < 300) current = undefined;
      return res;
    },
  };
}

/**
 * Percent-encodes like encodeURIComponent, but a lone surrogate becomes its
 * generalised UTF-8 bytes (%ED%A0%80) instead of throwing: what a hostile
 * client can put on the wire.
 */
function percentEncode(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) out += /[A-Za-z0-9\-_.~]/.test(ch) ? ch : `%${cp.toString(16).padStart(2, '0')}`;
    else {
      const bytes =
        cp < 0x800
          ? [0xc0 | (cp >> 6)]
          : cp < 0x10000
            ? [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f)]
            : [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f)];
      out += [...bytes, 0x80 | (cp & 0x3f)].map((b) => `%${b.toString(16)}`).join('');
    }
  }
  return out;
}

const fromHttp = (res: ApiResponse): Outcome => ({ status: res.status, code: res.body?.error?.code });
const fromAck = (reply: { ok: boolean; error?: { code: string } }): Outcome => ({
  status: reply.ok ? 200 : reply.error!.code === 'INTERNAL' ? 500 : 400,
  code: reply.error?.code,
});

describe('text fuzz: no string gives a 5xx or an INTERNAL ack', () => {
  let t: TestApp;
  let admin: TestUser;
  let rider: TestUser;
  let chatRider: TestUser;
  let chatDriver: TestUser;
  let chatTripId: string;
  let prov: TestUser;
  let socket: ClientSocket;
  const targets = new Map<string, Target>();

  before(async () => {
    t = await startTestApp('text_fuzz', {
      ...OWN_OFFERS,
      CHAT_RATE_LIMIT_PER_MIN: '100000',
      SOCKET_EVENTS_PER_10S: '100000',
      DB_POOL_MAX: '5',
    });
    admin = await t.admin();
    [rider, chatRider, prov] = await Promise.all([t.signup('rider'), t.signup('rider'), provider(t)]);
    chatDriver = await t.driver();
    chatTripId = (await acceptedTrip(t, chatRider, chatDriver)).id;
    socket = await t.connectSocket(chatRider.accessToken);
    defineTargets();
  });
  after(async () => t.close());

  function http(
    method: string,
    path: string,
    user: TestUser | undefined,
    body?: unknown,
    headers?: Record<string, string>,
  ) {
    return t.api(method, path, { token: user?.accessToken, body, headers }).then(fromHttp);
  }

  function defineTargets() {
    const vehicle = { make: 'Toyota', model: 'Corolla', plate: 'ABC 123', color: 'white' };
    const cancelTrip = renewing(async () => (await acceptedTrip(t, rider, await t.driver())).id);
    const statusBooking = renewing(() => book(t, chatRider, prov.id));
    const deleteBooking = renewing(() => book(t, chatRider, prov.id));
    let n = 0;
    const reportable = renewing(
      async () =>
        (
          await t.api('POST', `/api/v1/trips/${chatTripId}/messages`, {
            token: chatDriver.accessToken,
            body: { text: 'hi', clientMessageId: `m-${n++}` },
          })
        ).body.data.id as string,
    );
    const resolveSos = async (res: ApiResponse) => {
      if (res.status === 201)
        await t.api('POST', `/api/v1/admin/sos/${res.body.data.alertId}/resolve`, {
          token: admin.accessToken,
          body: {},
        });
      return fromHttp(res);
    };

    targets.set('signup name', (s) =>
      http('POST', '/api/v1/auth/signup', undefined, {
        phone: randomPhone(),
        password: 'password-123',
        name: s,
        role: 'rider',
      }),
    );
    targets.set('driver vehicle make/plate', (s) =>
      http('POST', '/api/v1/drivers/me/profile', chatDriver, {
        vehicleClass: 'economy',
        vehicle: { ...vehicle, make: s, plate: s.slice(0, 10) },
      }),
    );
    targets.set('provider service types', (s) =>
      http('POST', '/api/v1/providers/me/profile', prov, { serviceTypes: ['oil_change', 'tyres', s] }),
    );
    targets.set('trip pickup address', async (s) => {
      const res = await t.api('POST', '/api/v1/trips', {
        token: rider.accessToken,
        body: { ...TRIP_BODY, pickup: { ...TRIP_BODY.pickup, address: s } },
      });
      if (res.status === 201)
        await t.api('POST', `/api/v1/trips/${res.body.data.id}/cancel-search`, { token: rider.accessToken });
      return fromHttp(res);
    });
    targets.set('trip cancel reason', async (s) =>
      cancelTrip.after(await http('POST', `/api/v1/trips/${await cancelTrip.get()}/cancel`, rider, { reason: s })),
    );
    targets.set('chat text + clientMessageId (HTTP)', (s) =>
      http('POST', `/api/v1/trips/${chatTripId}/messages`, chatRider, { text: s, clientMessageId: `${s}-${n++}` }),
    );
    targets.set('chat:send', async (s) =>
      fromAck(await ack(socket, 'chat:send', { tripId: chatTripId, text: s, clientMessageId: `${n++}${s}` })),
    );
    targets.set('message report reason', async (s) =>
      reportable.after(
        await http('POST', `/api/v1/messages/${await reportable.get()}/report`, chatRider, { reason: s }),
      ),
    );
    targets.set('sos note (HTTP)', async (s) =>
      resolveSos(
        await t.api('POST', '/api/v1/sos', { token: rider.accessToken, body: { lat: 30.05, lng: 31.24, note: s } }),
      ),
    );
    targets.set('sos:trigger', async (s) => {
      const reply = await ack(socket, 'sos:trigger', { lat: 30.05, lng: 31.24, note: s });
      if (reply.ok)
        await t.api('POST', `/api/v1/admin/sos/${reply.data.alertId}/resolve`, { token: admin.accessToken, body: {} });
      return fromAck(reply);
    });
    targets.set('emergency contact name', (s) =>
      http('PUT', '/api/v1/me/emergency-contacts', rider, { contacts: [{ name: s, phone: '+201001234567' }] }),
    );
    targets.set('booking address + notes', (s) =>
      http('POST', '/api/v1/bookings', chatRider, bookingBody(prov.id, freshSlot(), { address: s, notes: s })),
    );
    targets.set('booking status reason', async (s) =>
      statusBooking.after(
        await http('POST', `/api/v1/bookings/${(await statusBooking.get()).id}/status`, chatRider, {
          status: 'cancelled',
          reason: s,
        }),
      ),
    );
    targets.set('booking delete reason', async (s) =>
      deleteBooking.after(
        await http('DELETE', `/api/v1/bookings/${(await deleteBooking.get()).id}`, chatRider, { reason: s }),
      ),
    );
    targets.set('push token', (s) => http('POST', '/api/v1/me/push-tokens', rider, { token: s, platform: 'android' }));
    targets.set('admin api-key name', (s) =>
      http('POST', '/api/v1/admin/api-keys', admin, { name: s, scopes: ['trips:read'] }),
    );
    targets.set('admin flag reason', (s) =>
      http('PUT', '/api/v1/admin/flags/ANALYTICS_DISABLED', admin, { enabled: false, reason: s }),
    );
    targets.set('admin pricing event name + time-window description', async (s) => {
      const from = Date.now() + 86_400_000;
      const event = await http('POST', '/api/v1/admin/pricing/events', admin, {
        name: s,
        area: { center: TRIP_BODY.pickup, radiusM: 500 },
        startsAt: new Date(from).toISOString(),
        endsAt: new Date(from + 3_600_000).toISOString(),
        multiplier: 1.1,
      });
      const windows = await http('PUT', '/api/v1/admin/pricing/time-windows', admin, {
        windows: [{ startHour: 7, endHour: 9, multiplier: 1.2, description: s }],
      });
      return event.status >= 500 ? event : windows;
    });
    targets.set('Idempotency-Key header', (s) =>
      http('POST', '/api/v1/notifications/read-all', rider, undefined, { 'idempotency-key': s }),
    );
    targets.set('query string and path params', async (s) => {
      const q = percentEncode(s);
      const results = await Promise.all([
        http('GET', `/api/v1/trips?cursor=${q}`, rider),
        http('DELETE', `/api/v1/admin/flags/ANALYTICS_DISABLED?reason=${q}`, admin),
        http('GET', `/api/v1/share/${q}`, undefined),
        http('DELETE', `/api/v1/me/push-tokens/${q}`, rider),
      ]);
      return results.find((r) => r.status >= 500) ?? results[0]!;
    });
  }

  test('every target: no 5xx, no INTERNAL', async () => {
    const started = Date.now();
    const failures: string[] = [];
    let requests = 0;
    for (const [i, [name, target]] of [...targets].entries()) {
      await fc.assert(
        fc.asyncProperty(text, async (s) => {
          requests++;
          const res = await target(s).catch((err: Error) => {
            throw new Error(`${name}: ${err.message}`);
          });
          if (res.status >= 500 || res.code === 'INTERNAL')
            failures.push(`${name} ${JSON.stringify(s)} → ${res.status} ${res.code ?? ''}`);
          return true;
        }),
        { seed: SEED + i, numRuns: RUNS, includeErrorInReport: true },
      );
    }
    process.stdout.write(
      `# text fuzz: ${targets.size} targets, ${requests} runs, ${Date.now() - started} ms, seed ${SEED}\n`,
    );
    assert.deepEqual(failures, []);
  });
});
