import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomPhone, startTestApp, type TestApp } from '../../support/harness.js';
import { notify } from '../../src/modules/notifications/index.js';
import { CATALOGUES, TEMPLATE_KEYS } from '../../src/modules/notifications/templates/index.js';
import { formatterFor as formatterOf } from '../../src/modules/notifications/templates/format.js';
import { LOCALES } from '../../src/shared/index.js';
import { FakeHttpProvider, eventually } from './fakes.js';

const ARABIC_DIGIT = /[\u0660-\u0669]/;

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (entry.endsWith('.ts') && !entry.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

describe('texts in the recipient language (issue 17 point 4)', () => {
  let t: TestApp;
  let http: FakeHttpProvider;
  before(async () => {
    http = await FakeHttpProvider.start();
    t = await startTestApp('notify_locale', { PUSH_URL: http.url, PROVIDER_TIMEOUT_MS: '2000' });
    await t.platform.jobs.start();
  });
  after(async () => {
    await t.close();
    await http.close();
  });

  test('every template exists in Arabic and English, and every template the code sends is in the catalogue', () => {
    for (const locale of LOCALES) assert.deepEqual(Object.keys(CATALOGUES[locale]).sort(), [...TEMPLATE_KEYS].sort());
    const sent = new Set<string>();
    for (const file of sourceFiles('src')) {
      for (const m of readFileSync(file, 'utf8').matchAll(/template: '([a-z_.]+)'/g)) sent.add(m[1]!);
    }
    assert.ok(sent.size >= 10, `found ${sent.size} templates in src`);
    const missing = [...sent].filter((k) => !(TEMPLATE_KEYS as readonly string[]).includes(k));
    assert.deepEqual(missing, [], 'templates sent without text');
  });

  test('money and times are written by Intl: Arabic-Indic digits in Arabic', () => {
    const data = { amount: 5550, currency: 'EGP', startsAt: '2026-12-06T10:00:00Z', serviceType: 'oil_change' };
    const ar = CATALOGUES.ar['trip.payment_failed_pay_cash'](data, formatterOf('ar'));
    assert.match(ar.body, ARABIC_DIGIT);
    assert.match(ar.body, /٥٥٫٥٠/);
    const en = CATALOGUES.en['trip.payment_failed_pay_cash'](data, formatterOf('en'));
    assert.match(en.body, /55\.50/);
    assert.match(CATALOGUES.ar.booking_reminder(data, formatterOf('ar')).body, ARABIC_DIGIT);
  });

  test('signup takes locale from the body, else Accept-Language; PATCH /me changes it; bad values change nothing', async () => {
    const signup = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
      t.api('POST', '/api/v1/auth/signup', {
        body: { phone: randomPhone(), password: 'password-123', name: 'Mona', role: 'rider', ...body },
        headers,
      });
    const fromHeader = await signup({}, { 'accept-language': 'ar-EG,ar;q=0.9,en;q=0.5' });
    assert.equal(fromHeader.status, 201);
    assert.equal(fromHeader.body.data.user.locale, 'ar');
    assert.equal((await signup({ locale: 'en' }, { 'accept-language': 'ar' })).body.data.user.locale, 'en');
    assert.equal((await signup({}, { 'accept-language': 'fr-FR' })).body.data.user.locale, 'en');
    assert.equal((await signup({ locale: 'fr' })).status, 400);

    const token = fromHeader.body.data.accessToken;
    const changed = await t.api('PATCH', '/api/v1/me', { token, body: { locale: 'en' } });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.data.locale, 'en');
    for (const bad of [{ locale: 'fr' }, {}, { locale: 'ar', role: 'admin' }, { name: 'x\u0000y' }]) {
      const res = await t.api('PATCH', '/api/v1/me', { token, body: bad });
      assert.equal(res.status, 400, JSON.stringify(bad));
    }
    const me = await t.api('GET', '/api/v1/me', { token });
    assert.deepEqual([me.body.data.locale, me.body.data.role, me.body.data.name], ['en', 'rider', 'Mona']);
  });

  test('a rider with locale=ar gets the push in Arabic, an English rider in English', async () => {
    const pushFor = async (locale: 'ar' | 'en', device: string) => {
      const rider = await t.signup('rider');
      await t.api('PATCH', '/api/v1/me', { token: rider.accessToken, body: { locale } });
      await t.api('POST', '/api/v1/me/push-tokens', {
        token: rider.accessToken,
        body: { token: device, platform: 'android' },
      });
      await t.platform.database.db.transaction().execute((tx) =>
        notify(tx, t.platform.jobs, {
          userId: rider.id,
          template: 'trip.payment_failed_pay_cash',
          data: { tripId: '00000000-0000-4000-8000-000000000000', amount: 4200, currency: 'EGP' },
          priority: 'HIGH',
        }),
      );
      const req = await eventually(() => http.requests.find((r) => r.body.includes(device)));
      return JSON.parse(req.body).message.notification as { title: string; body: string };
    };
    const ar = await pushFor('ar', 'device-ar');
    assert.equal(ar.title, 'يرجى الدفع نقدًا');
    assert.match(ar.body, /٤٢/);
    const en = await pushFor('en', 'device-en');
    assert.equal(en.title, 'Please pay in cash');
    assert.match(en.body, /42\.00/);
  });
});
