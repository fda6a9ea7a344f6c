/**
 * Issue 19.4 in headless Debian Chromium: a completed trip's trace shows its price lines, the offer's dispatch
 * score and the push's delivery status; a service request's trace shows its status changes, quote revisions,
 * proof images, chat, transfers and the provider's route replayed with a slider. Skipped with a printed reason
 * when no Chromium is installed.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { ensureConsoleBuilt } from '../../src/modules/console/index.js';
import { createLogger } from '../../src/platform/observability/logger.js';
import { eventually } from '../support/fixtures.js';
import { FakeHttpProvider } from '../notifications/fakes.js';
import { browserSkipReason, launchBrowser, signIn, type ConsoleBrowser } from './browser.js';
import { staffUser } from './support.js';
import { call, completedDispatchedTrip, completedServiceJob, DEADLINE_MS, jobsAndPushes } from './trace-support.js';
import { DROPOFF, PICKUP } from '../dispatch/support.js';

/** `<input type="datetime-local">` takes local wall time to the minute (the browser shares the test's zone). */
const localMinute = (at: Date) => {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
};

if (browserSkipReason) process.stdout.write(`# trace browser tests skipped: ${browserSkipReason}\n`);

describe('trip and job trace in a browser', { skip: browserSkipReason ?? false }, () => {
  let t: TestApp;
  let fcm: FakeHttpProvider;
  let base: string;
  let browser: ConsoleBrowser;
  let dispatcher: TestUser;

  before(async () => {
    await ensureConsoleBuilt(createLogger('warn'));
    fcm = await FakeHttpProvider.start();
    t = await startTestApp('trace_browser', { PUSH_URL: fcm.url, PROVIDER_TIMEOUT_MS: '5000', CONSOLE_TILE_URL: '' });
    base = await t.listen();
    await t.platform.jobs.start(); // offer pushes are delivered by jobs
    browser = await launchBrowser();
    dispatcher = await staffUser(t, ['dispatcher']);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    await fcm?.close();
  });

  test("a completed trip's trace shows price lines, the offer's score, the push's delivery and the notices", async () => {
    const { trip } = await completedDispatchedTrip(t);
    // Open the page once the offer push and the progress notices are out (jobs, late on a loaded box).
    let seen = '';
    await eventually(async () => {
      const res = await t.api('GET', `/api/v1/admin/trips/${trip.id}/trace`, { token: dispatcher.accessToken });
      const { offers, notices } = res.body.data as {
        offers: Array<{ push: Array<{ status: string }> }>;
        notices: Array<{ template: string }>;
      };
      seen = JSON.stringify({ push: offers.map((o) => o.push), notices: notices.map((n) => n.template) });
      return offers[0]?.push.some((p) => p.status === 'sent') && notices.some((n) => n.template === 'trip.completed');
    }, DEADLINE_MS).catch(async (err: Error) =>
      assert.fail(`${err.message}; the trace showed ${seen}; ${await jobsAndPushes(t, trip.id)}`),
    );
    const { page, problems } = await browser.page();
    await signIn(page, base, dispatcher);
    await page.goto(`${base}/console/#/trips/${trip.id}`);
    await page.waitForSelector('[data-testid=trace-offers] .offer-score');
    assert.match((await page.textContent('[data-testid=trace-offers] .offer-score')) ?? '', /^-?\d\.\d\d$/);
    assert.match((await page.textContent('[data-testid=trace-offers] .push')) ?? '', /offer · push · sent ×1/);
    assert.match((await page.textContent('[data-testid=trace-notices]')) ?? '', /Rider.*trip\.completed/s);
    const quoted = await page.$$('[data-testid=trace-quote] tr[data-code]');
    const charged = await page.$$('[data-testid=trace-receipt] tr[data-code]');
    assert.ok(quoted.length > 0 && charged.length > 0, 'the quote and the receipt list their lines');
    assert.match((await page.textContent('[data-testid=trace-receipt]')) ?? '', /Total/);
    assert.deepEqual(problems, []);
  });

  test("a service request's trace shows who moved it, its quote revisions, proof and money", async () => {
    const { job, provider } = await completedServiceJob(t);
    const { page, problems } = await browser.page();
    await signIn(page, base, dispatcher);
    await page.goto(`${base}/console/#/jobs/${job.id}`);
    await page.waitForSelector('[data-testid=job-trace]');
    const events = (await page.textContent('[data-testid=job-events]')) ?? '';
    assert.match(events, /→ completed/);
    assert.ok(events.includes(provider.id.slice(0, 8)), 'status changes name their actor');
    assert.deepEqual(
      await page.$$eval('[data-testid=job-quotes] .quote-status', (cells) => cells.map((c) => c.textContent)),
      ['superseded', 'approved'],
    );
    assert.equal((await page.$$('[data-testid=job-proofs] tr')).length, 1);
    assert.ok((await page.$$('[data-testid=job-transfers] tr')).length > 0, 'the settlement transfers are listed');
    assert.match((await page.textContent('[data-testid=trace-offers]')) ?? '', /accepted/);
    assert.deepEqual(problems, []);
  });

  test("a roadside job's trace replays the provider's route, shows the chat and the proof image", async () => {
    const { job, trail } = await completedServiceJob(t);
    const { page, problems } = await browser.page();
    await signIn(page, base, dispatcher);
    await page.goto(`${base}/console/#/jobs/${job.id}`);
    await page.waitForSelector('[data-testid=replay-slider]');
    const dotLat = () => page.evaluate(() => (globalThis as any).replayDot.getLatLng().lat as number);
    assert.equal(await dotLat(), trail.at(-1)!.lat, 'the dot starts where the provider last was on the job');
    await page.locator('[data-testid=replay-slider]').fill('0');
    assert.match((await page.textContent('[data-testid=replay-at]')) ?? '', /^1\/3 /);
    // The dot moves in an effect, which Preact runs after the next frame: wait for it rather than read at once.
    await page
      .waitForFunction((lat) => (globalThis as any).replayDot.getLatLng().lat === lat, trail[0]!.lat, {
        timeout: 5_000,
      })
      .catch(() => undefined);
    assert.equal(await dotLat(), trail[0]!.lat, 'the slider moved the dot back along the route');
    assert.match((await page.textContent('[data-testid=trace-chat]')) ?? '', /Customer.*Silver car by the ring road/);
    assert.match((await page.textContent('[data-testid=trace-chat]')) ?? '', /Provider.*I can see you/);
    const image = await page.waitForSelector('[data-testid=job-proofs] img[data-testid=proof-image]');
    await page.waitForFunction((img) => (img as any).complete && (img as any).naturalWidth > 0, image);
    assert.match((await image.getAttribute('src')) ?? '', /^blob:/, 'the image is an object URL, no token in it');
    assert.deepEqual(problems, []);
  });

  test('the trip search page finds trips by time window', async () => {
    const rider = await t.signup('rider');
    const body = { pickup: PICKUP, dropoff: DROPOFF, vehicleClass: 'economy', paymentMethod: 'cash' };
    const trip = await call(t, rider, 'POST', '/api/v1/trips', body);
    const { page, problems } = await browser.page();
    await signIn(page, base, dispatcher);
    await page.goto(`${base}/console/#/trips`);
    await page.fill('input[name=from]', localMinute(new Date(Date.now() - 5 * 60_000)));
    await page.fill('input[name=to]', localMinute(new Date(Date.now() + 5 * 60_000)));
    await page.click('[data-testid=trip-search] button[type=submit]');
    await page.waitForSelector(`tr[data-trip="${trip.id}"]`);
    await page.fill('input[name=from]', '2020-01-01T00:00');
    await page.fill('input[name=to]', '2020-01-02T00:00');
    await page.click('[data-testid=trip-search] button[type=submit]');
    await page.waitForSelector('[data-testid=trip-search] p.muted');
    assert.equal(await page.$(`tr[data-trip="${trip.id}"]`), null, 'a window before the trip does not find it');
    assert.deepEqual(problems, []);
  });
});
