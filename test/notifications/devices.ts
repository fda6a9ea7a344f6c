/** Push-device helpers of the notification suites (not a test file itself). */
import assert from 'node:assert/strict';
import type { TestApp, TestUser } from '../../support/harness.js';

/** Registers a push device for `user` (and sets their language when given); returns its token. */
export async function registerDevice(
  t: TestApp,
  user: TestUser,
  opts: { locale?: 'ar' | 'en'; device?: string } = {},
): Promise<string> {
  const device = opts.device ?? `device-${user.id}`;
  if (opts.locale) await t.api('PATCH', '/api/v1/me', { token: user.accessToken, body: { locale: opts.locale } });
  const res = await t.api('POST', '/api/v1/me/push-tokens', {
    token: user.accessToken,
    body: { token: device, platform: 'android' },
  });
  assert.ok(res.status < 300, JSON.stringify(res.body));
  return device;
}
