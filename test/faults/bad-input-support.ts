/** The runner of the bad-input suites (bad-input, bad-input-trips): cases, the app they run on; not a test file. */
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { OWN_OFFERS, acceptedTrip } from '../support/fixtures.js';

export type Who = 'none' | 'rider' | 'driver' | 'admin';
export interface Case {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  who: Who;
  body?: unknown;
  /** Sent as is, for JSON that JSON.stringify cannot produce. */
  rawBody?: string;
  status: number;
  /** Expected error code when not the default for the status. */
  code?: string;
}

const TABLES = [
  'users',
  'sessions',
  'refresh_tokens',
  'driver_profiles',
  'trips',
  'trip_offers',
  'events',
  'idempotency_keys',
  'dead_letters',
  'audit_log',
];
export const HUGE = 'x'.repeat(10_000);

export interface BadInputApp {
  t: TestApp;
  tokens: Record<Exclude<Who, 'none'>, TestUser>;
  /** An accepted trip of tokens.rider with tokens.driver. */
  tripId: string;
}

export async function startBadInputApp(name: string): Promise<BadInputApp> {
  const t = await startTestApp(name, { ...OWN_OFFERS, DB_POOL_MAX: '5' });
  const tokens = {} as BadInputApp['tokens'];
  tokens.rider = await t.signup('rider');
  tokens.driver = await t.driver();
  tokens.admin = await t.admin();
  const tripId = (await acceptedTrip(t, tokens.rider, tokens.driver)).id;
  return { t, tokens, tripId };
}

/** Sends each case as its user: the expected 4xx with its code and fields, no internals, and no table changed. */
export async function runCases({ t, tokens }: BadInputApp, cases: Case[]) {
  const snapshot = async () =>
    Object.fromEntries(await Promise.all(TABLES.map(async (name) => [name, await t.count(name)] as const)));
  const before = await snapshot();
  for (const c of cases) {
    const token = c.who === 'none' ? undefined : tokens[c.who].accessToken;
    const res = await t.api(
      c.method,
      c.path,
      c.rawBody !== undefined ? { token, rawBody: c.rawBody } : { token, body: c.body },
    );
    assert.equal(res.status, c.status, `${c.name}: ${res.status} ${JSON.stringify(res.body)}`);
    assert.equal(res.body.success, false, c.name);
    const code = c.code ?? (c.status === 400 ? 'VALIDATION_ERROR' : c.status === 404 ? 'NOT_FOUND' : undefined);
    if (code) assert.equal(res.body.error.code, code, c.name);
    if (c.status === 400) {
      assert.ok(
        Array.isArray(res.body.error.details) && res.body.error.details.length > 0,
        `${c.name}: details list the fields: ${JSON.stringify(res.body.error)}`,
      );
      for (const d of res.body.error.details) assert.equal(typeof d.field, 'string', c.name);
    }
    assert.doesNotMatch(JSON.stringify(res.body), /stack|SELECT|INSERT/i, c.name);
  }
  assert.deepEqual(await snapshot(), before, 'no table changed');
}
