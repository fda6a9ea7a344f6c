import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { RecordingEmitter } from '../notifications/recorder.js';
import { OWN_OFFERS, acceptedTrip, advance, rows } from '../safety/trips.js';

describe('trip chat', () => {
  let t: TestApp;
  let sockets: RecordingEmitter;

  before(async () => {
    t = await startTestApp('chat', { ...OWN_OFFERS, CHAT_RATE_LIMIT_PER_MIN: '5', CHAT_BLOCKED_WORDS: 'badword,غبي' });
    sockets = new RecordingEmitter();
    t.platform.realtime.attach(sockets);
  });
  after(async () => t.close());

  async function pair() {
    const rider = await t.signup('rider');
    const driver = await t.driver();
    const trip = await acceptedTrip(t, rider, driver);
    return { rider, driver, trip };
  }
  const post = (user: TestUser, tripId: string, body: Record<string, unknown>) =>
    t.api('POST', `/api/v1/trips/${tripId}/messages`, { token: user.accessToken, body });
  const count = async (tripId: string) =>
    (await rows(t, 'SELECT count(*)::int AS n FROM $schema.chat_messages WHERE trip_id = $1', [tripId]))[0]!
      .n as number;

  test(
    'the room is created with the accept; rider and driver talk; messages are stored, then delivered to ' + 'trip:{id}',
    async () => {
      const { rider, driver, trip } = await pair();
      assert.equal(
        (await rows(t, 'SELECT rider_id, driver_id FROM $schema.chat_rooms WHERE trip_id = $1', [trip.id])).length,
        1,
      );
      const sent = await post(rider, trip.id, { text: 'I am at the gate', clientMessageId: 'r-1' });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      const m = sent.body.data;
      assert.deepEqual(
        { tripId: m.tripId, from: m.from, text: m.text, clientMessageId: m.clientMessageId },
        { tripId: trip.id, from: rider.id, text: 'I am at the gate', clientMessageId: 'r-1' },
      );
      const emitted = sockets.find('chat:message', (p) => p.messageId === m.id);
      assert.equal(emitted.length, 1);
      assert.equal(emitted[0]!.target, `trip:${trip.id}`);
      assert.deepEqual(emitted[0]!.payload, {
        tripId: trip.id,
        messageId: m.id,
        from: rider.id,
        text: 'I am at the gate',
        at: m.createdAt,
      });

      await post(driver, trip.id, { text: 'Coming', clientMessageId: 'd-1' });
      await post(driver, trip.id, { text: 'Two minutes', clientMessageId: 'd-2' });
      const page1 = await t.api('GET', `/api/v1/trips/${trip.id}/messages?limit=2`, { token: rider.accessToken });
      assert.deepEqual(
        page1.body.data.map((x: { text: string }) => x.text),
        ['Two minutes', 'Coming'],
      );
      const page2 = await t.api(
        'GET',
        `/api/v1/trips/${trip.id}/messages?limit=2&cursor=${page1.body.meta.nextCursor}`,
        {
          token: driver.accessToken,
        },
      );
      assert.deepEqual(
        page2.body.data.map((x: { text: string }) => x.text),
        ['I am at the gate'],
      );
      assert.equal(page2.body.meta.nextCursor, null);
      const admin = await t.admin();
      assert.equal(
        (await t.api('GET', `/api/v1/trips/${trip.id}/messages`, { token: admin.accessToken })).status,
        200,
        'admins read any trip chat',
      );
    },
  );

  test('a non-member gets 404 for reading and writing, and nothing is stored', async () => {
    const { trip } = await pair();
    const stranger = await t.signup('rider');
    const otherDriver = await t.driver();
    const before = await count(trip.id);
    for (const user of [stranger, otherDriver]) {
      assert.equal((await post(user, trip.id, { text: 'hi', clientMessageId: 'x-1' })).status, 404);
      assert.equal((await t.api('GET', `/api/v1/trips/${trip.id}/messages`, { token: user.accessToken })).status, 404);
    }
    assert.equal(await count(trip.id), before);
    assert.equal(sockets.find('chat:message', (p) => p.tripId === trip.id).length, 0);
  });

  test('a replayed clientMessageId returns the first message; 10 concurrent replays store one', async () => {
    const { rider, trip } = await pair();
    const first = await post(rider, trip.id, { text: 'hello', clientMessageId: 'same' });
    const replay = await post(rider, trip.id, { text: 'hello (retry)', clientMessageId: 'same' });
    assert.equal(replay.status, 201);
    assert.equal(replay.body.data.id, first.body.data.id);
    assert.equal(replay.body.data.text, 'hello');
    assert.equal(await count(trip.id), 1);

    const burst = await Promise.all(
      Array.from({ length: 10 }, () => post(rider, trip.id, { text: 'burst', clientMessageId: 'burst-1' })),
    );
    assert.deepEqual([...new Set(burst.map((r) => r.status))], [201]);
    assert.equal(new Set(burst.map((r) => r.body.data.id)).size, 1);
    assert.equal(await count(trip.id), 2);
    assert.equal(
      sockets.find('chat:message', (p) => p.tripId === trip.id && p.text === 'burst').length,
      1,
      'delivered once',
    );
  });

  test(
    'per-user-per-room rate limit: the 6th new message within a minute is 429; the other member is ' + 'unaffected',
    async () => {
      const { rider, driver, trip } = await pair();
      for (let i = 0; i < 5; i++)
        assert.equal((await post(rider, trip.id, { text: `m${i}`, clientMessageId: `rl-${i}` })).status, 201);
      const limited = await post(rider, trip.id, { text: 'too many', clientMessageId: 'rl-5' });
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers['retry-after']) >= 1);
      assert.equal(
        (await post(rider, trip.id, { text: 'retry of m0', clientMessageId: 'rl-0' })).status,
        201,
        'replays are not limited',
      );
      assert.equal((await post(driver, trip.id, { text: 'ok', clientMessageId: 'd-rl' })).status, 201);
      assert.equal(await count(trip.id), 6);
    },
  );

  test(
    'control characters and bidi overrides are 400; line breaks kept; blocked words masked, flagged and ' +
      'audited; too long is 400',
    async () => {
      const { rider, trip } = await pair();
      for (const [i, text] of ['wait\u0007 for me', 'wait for\u202E me', 'wait\u001B', 'wait\u0085'].entries()) {
        const refused = await post(rider, trip.id, { text, clientMessageId: `cc-${i}` });
        assert.equal(refused.status, 400, JSON.stringify(refused.body));
        assert.equal(refused.body.error.details[0].field, 'body.text');
      }
      assert.equal(await count(trip.id), 0);
      const clean = await post(rider, trip.id, { text: 'wait\r\nfor\tme', clientMessageId: 'cc' });
      assert.equal(clean.status, 201, JSON.stringify(clean.body));
      assert.equal(clean.body.data.text, 'wait\nfor\tme');
      const rude = await post(rider, trip.id, { text: 'you BADWORD, يا غبي', clientMessageId: 'rude' });
      assert.equal(rude.body.data.text, 'you *******, يا ***');
      const audit = await rows(
        t,
        "SELECT action, actor_id FROM $schema.audit_log WHERE target_type = 'chat_message' AND target_id = $1",
        [rude.body.data.id],
      );
      assert.deepEqual(audit, [{ action: 'chat.message_flagged', actor_id: rider.id }]);
      assert.equal((await post(rider, trip.id, { text: 'x'.repeat(2001), clientMessageId: 'long' })).status, 400);
      assert.equal((await post(rider, trip.id, { text: '\u0001\u0002', clientMessageId: 'empty' })).status, 400);
    },
  );

  test(
    'report: members report others’ messages once (audited, admins told); own message 403; non-member ' + '404',
    async () => {
      const { rider, driver, trip } = await pair();
      const msg = (await post(driver, trip.id, { text: 'rude thing', clientMessageId: 'rep' })).body.data;
      const report = await t.api('POST', `/api/v1/messages/${msg.id}/report`, {
        token: rider.accessToken,
        body: { reason: 'abusive' },
      });
      assert.equal(report.status, 201, JSON.stringify(report.body));
      assert.equal(report.body.data.messageId, msg.id);
      const again = await t.api('POST', `/api/v1/messages/${msg.id}/report`, { token: rider.accessToken, body: {} });
      assert.equal(again.status, 201);
      assert.equal(again.body.data.reportedAt, report.body.data.reportedAt);
      const audit = await rows(
        t,
        "SELECT count(*)::int AS n FROM $schema.audit_log WHERE action = 'chat.message_reported' AND target_id = $1",
        [msg.id],
      );
      assert.equal(audit[0]!.n, 1);
      assert.equal(sockets.find('chat:message_reported', (p) => p.messageId === msg.id).length, 1);
      assert.equal(
        (await t.api('POST', `/api/v1/messages/${msg.id}/report`, { token: driver.accessToken, body: {} })).status,
        403,
      );
      const stranger = await t.signup('rider');
      assert.equal(
        (await t.api('POST', `/api/v1/messages/${msg.id}/report`, { token: stranger.accessToken, body: {} })).status,
        404,
      );
    },
  );

  test('chat is read-only once the trip ends (409), still readable', async () => {
    const { rider, driver, trip } = await pair();
    await post(rider, trip.id, { text: 'before the end', clientMessageId: 'end-0' });
    await advance(t, driver, trip.id, 'arrived');
    const otp = (await t.api('GET', `/api/v1/trips/${trip.id}`, { token: rider.accessToken })).body.data.otp;
    await advance(t, driver, trip.id, 'started', otp);
    await advance(t, driver, trip.id, 'completed');
    const late = await post(rider, trip.id, { text: 'after', clientMessageId: 'end-1' });
    assert.equal(late.status, 409);
    assert.equal(
      (await t.api('GET', `/api/v1/trips/${trip.id}/messages`, { token: rider.accessToken })).body.data.length,
      1,
    );
  });
});
