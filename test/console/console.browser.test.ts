/**
 * Issue 19 proof: the console in headless Debian Chromium against a running app (real Postgres, hot state and
 * Socket.IO). Skipped with a printed reason when no Chromium is installed.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { ensureConsoleBuilt } from '../../src/modules/console/index.js';
import { createLogger } from '../../src/platform/observability/logger.js';
import { eventually } from '../support/fixtures.js';
import { completedTrip } from '../trust/support.js';
import { browserSkipReason, launchBrowser, signIn, type ConsoleBrowser } from './browser.js';
import { staffUser } from './support.js';

if (browserSkipReason) process.stdout.write(`# console browser tests skipped: ${browserSkipReason}\n`);

describe('ops console in a browser', { skip: browserSkipReason ?? false }, () => {
  let t: TestApp;
  let base: string;
  let browser: ConsoleBrowser;
  let dispatcher: TestUser;

  before(async () => {
    await ensureConsoleBuilt(createLogger('warn'));
    t = await startTestApp('console_browser', { DISPATCH_INLINE_FIRST_ROUND: 'false', CONSOLE_TILE_URL: '' });
    base = await t.listen();
    await t.platform.jobs.start(); // SOS fan-out runs as a job
    browser = await launchBrowser();
    dispatcher = await staffUser(t, ['dispatcher']);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('/console is served with a CSP that allows no inline script, and the refresh cookie stays httpOnly', async () => {
    const res = await fetch(`${base}/console/`);
    assert.equal(res.status, 200);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.doesNotMatch(await res.text(), /<script>(?!<\/script>)/);
    const login = await fetch(`${base}/api/v1/console/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone: dispatcher.phone, password: 'password-123' }),
    });
    assert.equal(login.status, 200);
    const cookie = login.headers.get('set-cookie') ?? '';
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Strict/i);
    assert.match(cookie, /Path=\/api\/v1\/console\/session/);
    assert.ok(!JSON.stringify(await login.json()).includes('refreshToken'));
  });

  test('a dispatcher signs in and watches a driver move on the live map', async () => {
    const driver = await t.driver();
    const fix = (lat: number, lng: number) =>
      t.api('POST', '/api/v1/location/update', {
        token: driver.accessToken,
        body: { lat, lng, timestamp: Date.now() },
      });
    assert.equal((await fix(30.05, 31.24)).status, 200);
    const { page, problems } = await browser.page();
    await signIn(page, base, dispatcher);
    const positionOnMap = () =>
      page.evaluate((id) => {
        const model = (globalThis as any).fleetModel;
        const m = model && [...model.markers.values()].find((x: any) => x.driverId === id);
        return m ? [m.lat, m.lng, m.state] : null;
      }, driver.id);
    assert.deepEqual(await eventually(positionOnMap), [30.05, 31.24, 'a']);
    await sleep(2_100); // fixes closer than 2 s apart are coalesced
    // ~43 m in 2 s: a believable car (GPS hygiene drops jumps above GPS_MAX_SPEED_KMH).
    assert.equal((await fix(30.0503, 31.2403)).body.data.accepted, true);
    await eventually(async () => JSON.stringify(await positionOnMap()) === JSON.stringify([30.0503, 31.2403, 'a']));
    assert.match((await page.textContent('[data-testid=driver-count]')) ?? '', /[1-9]\d* drivers/);
    assert.deepEqual(problems, []);
  });

  test("a completed trip's trace shows its offers and ledger transfers", async () => {
    const driver = await t.driver();
    const tripId = await completedTrip(t, await t.signup('rider'), driver);
    const { page, problems } = await browser.page();
    await signIn(page, base, dispatcher);
    await page.goto(`${base}/console/#/trips/${tripId}`);
    await page.waitForSelector('[data-testid=trace-offers]');
    const offers = await page.textContent('[data-testid=trace-offers]');
    assert.match(offers ?? '', new RegExp(driver.id.slice(0, 8)));
    assert.match(offers ?? '', /accepted/);
    const transfers = await page.$$('[data-testid=trace-transfers] tr');
    assert.ok(transfers.length > 0, 'the trace lists the trip ledger transfers');
    assert.match((await page.textContent('[data-testid=trace-events]')) ?? '', /→ completed/);
    assert.deepEqual(problems, []);
  });

  test('an SOS raised by a rider shows on the desk and the dispatcher acknowledges it', async () => {
    const rider = await t.signup('rider');
    const { page } = await browser.page();
    await signIn(page, base, dispatcher);
    const raised = await t.api('POST', '/api/v1/sos', {
      token: rider.accessToken,
      body: { lat: 30.0444, lng: 31.2357, note: 'help at the gate' },
    });
    assert.equal(raised.status, 201);
    const alertId = raised.body.data.alertId as string;
    await page.waitForSelector('[data-testid=sos-banner]');
    await page.click('[data-testid=sos-banner]');
    const row = `tr[data-alert="${alertId}"]`;
    await page.waitForSelector(row);
    await page.click(`${row} button:has-text("Acknowledge")`);
    await page.waitForSelector(`${row} .sos-status:has-text("acknowledged")`);
    const stored = await t.api('GET', `/api/v1/sos/${alertId}`, { token: rider.accessToken });
    assert.equal(stored.body.data.status, 'acknowledged');
  });

  test('a dispatcher approves a driver from the onboarding queue, who can then go online', async () => {
    const driver = await t.driver({ approved: false });
    const { page } = await browser.page();
    await signIn(page, base, dispatcher);
    await page.goto(`${base}/console/#/drivers`);
    const row = `tr[data-driver="${driver.id}"]`;
    await page.waitForSelector(row);
    await page.click(`${row} button:has-text("Approve")`);
    await page.waitForSelector(row, { state: 'detached' });
    const online = await t.api('POST', '/api/v1/drivers/me/availability', {
      token: driver.accessToken,
      body: { available: true },
    });
    assert.equal(online.status, 200, JSON.stringify(online.body));
  });

  test('Arabic switches the whole page to right-to-left with the Arabic strings', async () => {
    const { page } = await browser.page();
    await signIn(page, base, dispatcher);
    await page.click('nav button:has-text("العربية")');
    assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
    assert.equal(await page.getAttribute('html', 'lang'), 'ar');
    assert.match((await page.textContent('nav')) ?? '', /الخريطة الحية/);
  });

  test('a finance user cannot open the flags page, and the flags API answers them 403', async () => {
    const finance = await staffUser(t, ['finance']);
    const { page } = await browser.page();
    await signIn(page, base, finance);
    await page.goto(`${base}/console/#/flags`);
    await page.waitForSelector('[data-testid=forbidden]');
    const api = await t.api('GET', '/api/v1/admin/flags', { token: finance.accessToken });
    assert.equal(api.status, 403);
    assert.equal(api.body.error.code, 'FORBIDDEN');
  });
});
