/**
 * Logs keep no secrets: a full ride with share links, a push token, a nearby
 * search and a 404 on a token-like URL, logged at debug into a capture. The
 * request lines carry the route pattern, never the raw URL or a query
 * string; no share token, push token, phone number or searched coordinate
 * appears anywhere in the log.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { createLogger } from '../../src/platform/observability/logger.js';
import { OWN_OFFERS, acceptedTrip, advance } from '../safety/trips.js';

class LogCapture extends Writable {
  text = '';
  readonly lines: Array<Record<string, any>> = [];
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.text += chunk.toString();
    for (const line of chunk.toString().split('\n').filter(Boolean)) this.lines.push(JSON.parse(line));
    done();
  }
}

describe('logs keep no secrets', () => {
  const logs = new LogCapture();
  let t: TestApp;
  before(async () => {
    t = await startTestApp(
      'log_secrets',
      { ...OWN_OFFERS, DB_POOL_MAX: '5' },
      { log: createLogger('debug', {}, logs) },
    );
  });
  after(async () => t.close());

  test(
    'a full ride logs route patterns only: no share or push token, phone, query string or searched ' + 'coordinates',
    async () => {
      const rider = await t.signup('rider');
      const driver = await t.driver();
      const admin = await t.admin();
      const trip = await acceptedTrip(t, rider, driver);

      const share = await t.api('POST', `/api/v1/trips/${trip.id}/share`, { token: rider.accessToken });
      assert.equal(share.status, 201, JSON.stringify(share.body));
      const shareToken = share.body.data.token as string;
      assert.equal((await t.api('GET', `/api/v1/share/${shareToken}`)).status, 200);

      const pushToken = `fcm-${'Zq9'.repeat(20)}`;
      assert.equal(
        (
          await t.api('POST', '/api/v1/me/push-tokens', {
            token: rider.accessToken,
            body: { token: pushToken, platform: 'android' },
          })
        ).status,
        201,
      );
      assert.equal(
        (await t.api('DELETE', `/api/v1/me/push-tokens/${pushToken}`, { token: rider.accessToken })).status,
        204,
      );

      const [lat, lng] = ['30.0519283', '31.2387465'];
      const nearby = await t.api('GET', `/api/v1/location/nearby?lat=${lat}&lng=${lng}&radiusKm=5`, {
        token: admin.accessToken,
      });
      assert.equal(nearby.status, 200, JSON.stringify(nearby.body));
      const lost = 'tok_LeakCheck9f8e7d6c5b4a';
      assert.equal(
        (await t.api('GET', `/api/v1/share-links/${lost}?phone=${encodeURIComponent(rider.phone)}`)).status,
        404,
      );

      await advance(t, driver, trip.id, 'arrived');
      const otp = (await t.api('GET', `/api/v1/trips/${trip.id}`, { token: rider.accessToken })).body.data
        .otp as string;
      await advance(t, driver, trip.id, 'started', otp);
      await advance(t, driver, trip.id, 'completed');

      const secrets = {
        shareToken,
        pushToken,
        lost,
        riderPhone: rider.phone,
        driverPhone: driver.phone,
        lat,
        lng,
        query: 'radiusKm=',
      };
      for (const [name, secret] of Object.entries(secrets)) {
        assert.ok(!logs.text.includes(secret), `${name} (${secret}) appears in the log`);
        assert.ok(!logs.text.includes(secret.replace('+', '')), `${name} digits appear in the log`);
      }
      assert.ok(
        logs.lines.every((l) => l.url === undefined && l.req?.url === undefined),
        'no raw URL field',
      );
      const requestLines = logs.lines.filter((l) => l.route !== undefined);
      assert.ok(
        requestLines.some((l) => l.route === '/api/v1/share/:token' && l.statusCode === 200),
        'the share read is logged by its pattern',
      );
      assert.ok(requestLines.some((l) => l.route === '/api/v1/me/push-tokens/:token'));
      assert.ok(requestLines.some((l) => l.route === '/api/v1/location/nearby'));
      assert.ok(
        requestLines.some((l) => l.statusCode === 404),
        'the 404 is logged too',
      );
    },
  );
});
