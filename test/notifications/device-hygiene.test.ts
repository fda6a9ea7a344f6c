import { describe, test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { notify } from '../../src/modules/notifications/index.js';
import {
  breakers,
  FcmPushSender,
  PermanentProviderError,
  RecipientGoneError,
} from '../../src/platform/providers/index.js';
import { FakeHttpProvider, eventually } from './fakes.js';

const never = new AbortController().signal;

describe('push device hygiene (issue 17 point 5)', () => {
  let t: TestApp;
  let http: FakeHttpProvider;

  before(async () => {
    http = await FakeHttpProvider.start();
    t = await startTestApp('push_hygiene', { PUSH_URL: http.url, PROVIDER_TIMEOUT_MS: '2000', JOBS_CONCURRENCY: '4' });
    await t.platform.jobs.start();
  });
  after(async () => {
    await t.close();
    await http.close();
  });
  beforeEach(() => {
    http.mode = 'ok';
    http.goneTokens.clear();
    breakers.reset();
  });

  const register = (user: TestUser, token: string) =>
    t.api('POST', '/api/v1/me/push-tokens', { token: user.accessToken, body: { token, platform: 'android' } });
  const tokensOf = async (userId: string): Promise<string[]> =>
    (
      await t.platform.database.pool.query(
        `SELECT token FROM "${t.schema}".push_devices WHERE user_id = $1 ORDER BY token`,
        [userId],
      )
    ).rows.map((r: { token: string }) => r.token);
  const pushTo = (userId: string) =>
    t.platform.database.db.transaction().execute((tx) =>
      notify(tx, t.platform.jobs, {
        userId,
        template: 'trip.driver_arrived',
        data: { title: 'Driver here', body: 'Your driver has arrived' },
        priority: 'HIGH',
        channels: ['push'],
      }),
    );

  test('the FCM adapter tells a dead token (UNREGISTERED, invalid token) from a refused message', async () => {
    const push = new FcmPushSender({ baseUrl: http.url, projectId: 'p' });
    const message = { token: 'device-x', title: 't', body: 'b' };
    http.mode = 'unregistered';
    await assert.rejects(push.send(message, never), RecipientGoneError);
    http.mode = 'bad-token';
    await assert.rejects(push.send(message, never), RecipientGoneError);
    http.mode = 'bad-payload';
    await assert.rejects(
      push.send(message, never),
      (err: unknown) => err instanceof PermanentProviderError && !(err instanceof RecipientGoneError),
    );
  });

  test('a token FCM reports UNREGISTERED is removed, and the next notification skips it', async () => {
    const rider = await t.signup('rider');
    assert.equal((await register(rider, 'phone-old')).status, 201);
    assert.equal((await register(rider, 'phone-new')).status, 201);
    http.goneTokens.add('phone-old');
    await pushTo(rider.id);
    await eventually(async () => ((await tokensOf(rider.id)).length === 1 ? true : undefined));
    assert.deepEqual(await tokensOf(rider.id), ['phone-new']);

    const before = http.requests.length;
    await pushTo(rider.id);
    await eventually(() => (http.requests.length > before ? true : undefined));
    const sentTo = http.requests.slice(before).map((r) => JSON.parse(r.body).message.token);
    assert.deepEqual(sentTo, ['phone-new']);
  });

  test('a refused message keeps the token (only a dead token is forgotten)', async () => {
    const rider = await t.signup('rider');
    await register(rider, 'phone-kept');
    http.mode = 'bad-payload';
    const id = await pushTo(rider.id);
    await eventually(async () => {
      const r = await t.platform.database.pool.query(
        `SELECT status FROM "${t.schema}".notification_deliveries WHERE notification_id = $1 AND channel = 'push'`,
        [id],
      );
      return r.rows[0]?.status === 'failed' ? true : undefined;
    });
    assert.deepEqual(await tokensOf(rider.id), ['phone-kept']);
  });

  test('a user keeps at most 10 devices: the 11th registration drops the oldest', async () => {
    const rider = await t.signup('rider');
    for (let i = 0; i < 11; i++) assert.equal((await register(rider, `dev-${String(i).padStart(2, '0')}`)).status, 201);
    const tokens = await tokensOf(rider.id);
    assert.equal(tokens.length, 10);
    assert.ok(!tokens.includes('dev-00'), 'the first registered device was dropped');
    assert.ok(tokens.includes('dev-10'), 'the newest device is kept');
  });

  test('40 registrations at once never leave more than 10 devices', async () => {
    const rider = await t.signup('rider');
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => register(rider, `burst-${i}`)));
    assert.ok(answers.every((a) => a.status === 201));
    assert.equal((await tokensOf(rider.id)).length, 10);
  });

  test('logout with {deviceToken} forgets that device even when another session registered it', async () => {
    const rider = await t.signup('rider');
    await register(rider, 'shared-phone');
    const second = await t.api('POST', '/api/v1/auth/login', {
      body: { phone: rider.phone, password: 'password-123' },
    });
    assert.equal(second.status, 200);
    const out = await t.api('POST', '/api/v1/auth/logout', {
      token: second.body.data.accessToken,
      body: { deviceToken: 'shared-phone' },
    });
    assert.equal(out.status, 204);
    assert.deepEqual(await tokensOf(rider.id), []);
    // The first session is still alive: only the device was forgotten.
    assert.equal((await t.api('GET', '/api/v1/me', { token: rider.accessToken })).status, 200);
  });

  test("logout cannot remove someone else's device, and a 5 KB token is refused with nothing ended", async () => {
    const owner = await t.signup('rider');
    const other = await t.signup('rider');
    await register(owner, 'owners-phone');
    const huge = await t.api('POST', '/api/v1/auth/logout', {
      token: other.accessToken,
      body: { deviceToken: 'x'.repeat(5000) },
    });
    assert.equal(huge.status, 400);
    assert.equal((await t.api('GET', '/api/v1/me', { token: other.accessToken })).status, 200, 'session not ended');
    const out = await t.api('POST', '/api/v1/auth/logout', {
      token: other.accessToken,
      body: { deviceToken: 'owners-phone' },
    });
    assert.equal(out.status, 204);
    assert.deepEqual(await tokensOf(owner.id), ['owners-phone']);
  });
});
