/** Findings of an attacker's review (lower hardening): lockouts that grow, and limits every node shares. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSecondNode, startTestApp, type TestApp } from '../../support/harness.js';
import { OWN_OFFERS, acceptedTrip } from '../support/fixtures.js';

const CHAT_LIMIT = 4;

describe('abuse: lockouts and shared limits', () => {
  let t: TestApp;
  before(async () => {
    // A one-second first lock, so the doubling can be watched without waiting minutes.
    t = await startTestApp('abuse_lockouts', {
      ...OWN_OFFERS,
      DB_POOL_MAX: '8',
      LOGIN_LOCKOUT_BASE_S: '1',
      CHAT_RATE_LIMIT_PER_MIN: String(CHAT_LIMIT),
    });
  });
  after(async () => t.close());

  const login = (phone: string, password: string, ip: string) =>
    t.app.http.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: ip, payload: { phone, password } });

  /** Wrong passwords until the phone locks; the Retry-After of that lock. */
  async function lockOnce(phone: string, round: number): Promise<number> {
    for (let i = 0; i < 10; i++) {
      const res = await login(phone, `wrong-${round}-${i}`, `192.0.2.${round * 10 + i + 1}`);
      if (res.statusCode === 429) return Number(res.headers['retry-after']);
      assert.equal(res.statusCode, 401);
    }
    throw new Error('never locked');
  }

  test('4. each further lock of one phone is twice as long (exponential backoff)', async () => {
    const user = await t.signup('rider');
    const first = await lockOnce(user.phone, 0);
    await sleep(first * 1000 + 200);
    const second = await lockOnce(user.phone, 1);
    await sleep(second * 1000 + 200);
    const third = await lockOnce(user.phone, 2);
    assert.deepEqual([first, second, third], [1, 2, 4]);
  });

  test('4. five wrong ride OTPs lock the trip start for 10 minutes and the rider is told', async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const trip = await acceptedTrip(t, rider, driver);
    const status = (body: object) =>
      t.api('POST', `/api/v1/trips/${trip.id}/status`, { token: driver.accessToken, body });
    assert.equal((await status({ status: 'arrived' })).status, 200);
    const otp = (await t.api('GET', `/api/v1/trips/${trip.id}`, { token: rider.accessToken })).body.data.otp as string;
    const wrong = ['0000', '1111', '2222', '3333', '4444', '5555'].filter((code) => code !== otp).slice(0, 5);
    const answers = [];
    for (const code of wrong) answers.push(await status({ status: 'started', otp: code }));
    assert.deepEqual(
      answers.map((a) => a.status),
      [422, 422, 422, 422, 429],
    );
    const locked = answers[4]!;
    assert.equal(locked.body.error.code, 'OTP_LOCKED');
    assert.equal(Number(locked.headers['retry-after']), 600);
    const right = await status({ status: 'started', otp });
    assert.equal(right.status, 429, 'locked for the right OTP too');
    assert.equal(right.body.error.code, 'OTP_LOCKED');
    assert.equal(
      (await t.api('GET', `/api/v1/trips/${trip.id}`, { token: rider.accessToken })).body.data.status,
      'arrived',
    );
    const inbox = await t.api('GET', '/api/v1/notifications', { token: rider.accessToken });
    const notice = inbox.body.data.filter((n: { template: string }) => n.template === 'trip.otp_locked');
    assert.equal(notice.length, 1);
    assert.equal(notice[0].data.tripId, trip.id);
  });

  // Tests may read the environment: two nodes share limits only through a real Redis.
  const noRedis = process.env.REDIS_URL ? false : 'REDIS_URL not set: the two-node chat limit needs a shared Redis';
  if (noRedis) console.log(noRedis);

  test('8. the chat limit is one budget across nodes (shared Redis)', { skip: noRedis }, async () => {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const trip = await acceptedTrip(t, rider, driver);
    const b = await startSecondNode(t);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < CHAT_LIMIT + 2; i++) {
        const node = i % 2 === 0 ? t.app.http : b.app.http;
        const res = await node.inject({
          method: 'POST',
          url: `/api/v1/trips/${trip.id}/messages`,
          headers: { authorization: `Bearer ${rider.accessToken}` },
          payload: { text: `hello ${i}`, clientMessageId: `m-${i}` },
        });
        statuses.push(res.statusCode);
      }
      assert.deepEqual(statuses, [...Array(CHAT_LIMIT).fill(201), 429, 429]);
    } finally {
      await b.close();
    }
  });
});
