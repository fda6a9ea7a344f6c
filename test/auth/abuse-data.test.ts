/** Findings of an attacker's review (lower hardening): what a replay, a forged webhook or a stolen token could do. */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomPhone } from '../../support/harness.js';
import { applied, sql, startPaymentsApp, wallet, type PaymentsTest } from '../payments/support.js';

describe('abuse: replays, forged webhooks, devices and erasure', () => {
  let ctx: PaymentsTest;
  before(async () => {
    ctx = await startPaymentsApp('abuse_data');
  });
  after(async () => ctx.close());

  test(
    '2. a signup replayed with its Idempotency-Key does not hand out the first refresh token; no token is ' + 'stored',
    async () => {
      const { t } = ctx;
      const body = { phone: randomPhone(), password: 'password-123', name: 'Replay', role: 'rider' };
      const headers = { 'idempotency-key': 'signup-replay-1' };
      const first = await t.api('POST', '/api/v1/auth/signup', { body, headers });
      assert.equal(first.status, 201);
      const replay = await t.api('POST', '/api/v1/auth/signup', { body, headers });
      assert.notEqual(replay.body.data?.refreshToken, first.body.data.refreshToken);
      assert.equal(replay.status, 409, 'the phone is registered: the client logs in');
      const stored = await sql(t, 'SELECT response_body FROM $schema.idempotency_keys', []);
      for (const row of stored) {
        const text = JSON.stringify(row.response_body ?? '');
        assert.ok(
          !text.includes(first.body.data.refreshToken) && !text.includes(first.body.data.accessToken),
          'a token sits in the idempotency store',
        );
      }
    },
  );

  test('3. a webhook whose signature leaves out the money fields is 401 and credits nothing', async () => {
    const { t, kashier } = ctx;
    const rider = await t.signup('rider');
    const created = await t.api('POST', '/api/v1/wallet/deposits', {
      token: rider.accessToken,
      body: { amount: 5_000 },
    });
    const before = await t.count('provider_events');
    for (const keys of [
      ['transactionId'],
      ['amount', 'currency', 'merchantOrderId', 'transactionId'],
      ['amount', 'merchantOrderId', 'status', 'transactionId'],
    ]) {
      const data = {
        ...kashier.paymentData({
          merchantOrderId: created.body.data.depositId,
          amount: '50.00',
          currency: 'EGP',
          status: 'SUCCESS',
        }),
        signatureKeys: keys,
      };
      const res = await kashier.deliver(data);
      assert.equal(res.status, 401, `signed only ${keys.join(',')}`);
    }
    assert.equal(await t.count('provider_events'), before);
    assert.equal((await wallet(t, rider)).balance, 0);
  });

  test(
    '3. the unsigned event name is not part of the dedupe key: a payment replayed under other names stays one ' + 'row',
    async () => {
      const { t, kashier } = ctx;
      const rider = await t.signup('rider');
      const created = await t.api('POST', '/api/v1/wallet/deposits', {
        token: rider.accessToken,
        body: { amount: 6_000 },
      });
      const data = kashier.paymentData({
        merchantOrderId: created.body.data.depositId,
        amount: '60.00',
        currency: 'EGP',
        status: 'SUCCESS',
      });
      assert.equal(
        (await kashier.deliver(data, { event: 'refund' })).body.data.outcome,
        'ignored_event',
        'a non-payment event is not stored',
      );
      assert.equal(
        (await kashier.deliver(data, { event: 'pay' })).body.data.duplicate,
        false,
        'so it cannot block the real payment',
      );
      assert.equal(await applied(t, data.transactionId), 'credited');
      for (const event of ['PAY', ' pay ', 'Pay'])
        assert.equal((await kashier.deliver(data, { event })).body.data.duplicate, true, event);
      const rows = await sql(t, 'SELECT event FROM $schema.provider_events WHERE provider_transaction_id = $1', [
        data.transactionId,
      ]);
      assert.deepEqual(
        rows.map((r) => r.event),
        ['pay'],
      );
      assert.equal((await wallet(t, rider)).balance, 6_000);
    },
  );

  test(
    "7. a push token of another account's live session is refused 409; after that account logs out it " + 'moves',
    async () => {
      const { t } = ctx;
      const [owner, taker] = [await t.signup('rider'), await t.signup('rider')];
      const device = { token: `fcm-${randomPhone()}`, platform: 'android' };
      const register = (token: string) => t.api('POST', '/api/v1/me/push-tokens', { token, body: device });
      assert.equal((await register(owner.accessToken)).status, 201);
      assert.equal((await register(owner.accessToken)).status, 201, 'the owner may register it again');
      const refused = await register(taker.accessToken);
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error.code, 'CONFLICT');
      const holder = async () =>
        (await sql(t, 'SELECT user_id FROM $schema.push_devices WHERE token = $1', [device.token]))[0]?.user_id;
      assert.equal(await holder(), owner.id);
      assert.equal((await t.api('POST', '/api/v1/auth/logout', { token: owner.accessToken })).status, 204);
      assert.equal(await holder(), undefined, 'a logged-out device gets no more pushes for the old account');
      assert.equal((await register(taker.accessToken)).status, 201);
      assert.equal(await holder(), taker.id);
    },
  );

  test('9. DELETE /me needs the current password: missing or wrong ⇒ 403 and nothing erased', async () => {
    const { t } = ctx;
    const rider = await t.signup('rider');
    const erase = (body?: unknown) => t.api('DELETE', '/api/v1/me', { token: rider.accessToken, body });
    for (const body of [undefined, {}, { password: 'wrong-password' }]) {
      const res = await erase(body);
      assert.equal(res.status, 403, `${JSON.stringify(body)} ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, 'FORBIDDEN');
    }
    const me = await t.api('GET', '/api/v1/me', { token: rider.accessToken });
    assert.equal(me.status, 200);
    assert.equal(me.body.data.name, 'Test rider', 'nothing erased');
    assert.equal((await erase({ password: 'password-123' })).status, 204);
    assert.equal((await t.api('GET', '/api/v1/me', { token: rider.accessToken })).status, 401);
  });
});
