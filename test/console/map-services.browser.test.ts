/**
 * Issue 19.3 "filter by vehicle class/service" in headless Debian Chromium: the live map's service filter (a
 * provider's approved capabilities) and a service job drawn like a trip, read off the map's canvas pixels.
 * Skipped without Chromium.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp, type TestUser } from '../../support/harness.js';
import { ensureConsoleBuilt } from '../../src/modules/console/index.js';
import { createLogger } from '../../src/platform/observability/logger.js';
import { eventually } from '../support/fixtures.js';
import { assignBySql, providerAt, requestService, towBody } from '../field-service/support.js';
import { browserSkipReason, launchBrowser, signIn, type ConsoleBrowser } from './browser.js';
import { staffUser } from './support.js';

if (browserSkipReason) process.stdout.write(`# console map service tests skipped: ${browserSkipReason}\n`);

type LatLng = { lat: number; lng: number };
type Rgba = [number, number, number, number];

/** The colour the map's canvas painted at a point (alpha 0 = nothing drawn there; no basemap in these tests). */
function pixelAt(page: Page, at: LatLng): Promise<Rgba> {
  return page.evaluate(({ lat, lng }) => {
    const map = (globalThis as any).fleetMap;
    const canvas = map.getContainer().querySelector('.leaflet-overlay-pane canvas') as any;
    const p = map.latLngToContainerPoint([lat, lng]);
    const box = map.getContainer().getBoundingClientRect();
    const rect = canvas.getBoundingClientRect();
    const x = Math.round(((box.left + p.x - rect.left) * canvas.width) / rect.width);
    const y = Math.round(((box.top + p.y - rect.top) * canvas.height) / rect.height);
    return [...canvas.getContext('2d').getImageData(x, y, 1, 1).data] as Rgba;
  }, at);
}

const painted = async (page: Page, at: LatLng) => (await pixelAt(page, at))[3] > 0;
/** #ea580c, the service job line, allowing for anti-aliasing. */
const isServiceOrange = ([r, g, b, a]: Rgba) => a > 128 && r > 180 && g > 60 && g < 130 && b < 60;

describe('live map service filter in a browser', { skip: browserSkipReason ?? false }, () => {
  let t: TestApp;
  let base: string;
  let browser: ConsoleBrowser;
  let dispatcher: TestUser;

  before(async () => {
    await ensureConsoleBuilt(createLogger('warn'));
    // Jobs are not started: nothing dispatches the service request this suite assigns itself.
    t = await startTestApp('console_map_services', { DISPATCH_INLINE_FIRST_ROUND: 'false', CONSOLE_TILE_URL: '' });
    base = await t.listen();
    browser = await launchBrowser();
    dispatcher = await staffUser(t, ['dispatcher']);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('a dispatcher filters by "tow" and sees only the tow provider, on a tow job with a line to the breakdown', async () => {
    const towAt = { lat: 30.06, lng: 31.25 };
    const batteryAt = { lat: 30.03, lng: 31.22 };
    const driverAt = { lat: 30.05, lng: 31.21 };
    const breakdown = { lat: 30.066, lng: 31.258 };
    const towing = await providerAt(t, towAt, { serviceTypes: ['tow'], equipment: ['tow_truck'] });
    const battery = await providerAt(t, batteryAt, { serviceTypes: ['battery'], equipment: ['jump_starter'] });
    const driver = await t.driver();
    const fix = await t.api('POST', '/api/v1/location/update', {
      token: driver.accessToken,
      body: { ...driverAt, timestamp: Date.now() },
    });
    assert.equal(fix.status, 200, JSON.stringify(fix.body));
    const job = await requestService(
      t,
      await t.signup('rider'),
      towBody({ location: { ...breakdown, address: 'Km 12' } }),
    );
    await assignBySql(t, job.id, towing.id);

    const { page, problems } = await browser.page();
    await signIn(page, base, dispatcher);
    const ids = [towing.id, battery.id, driver.id];
    await eventually(
      () =>
        page.evaluate((want) => {
          const model = (globalThis as any).fleetModel;
          const have = model ? [...model.markers.values()].map((m: any) => m.driverId) : [];
          return want.every((id) => have.includes(id));
        }, ids),
      30_000,
    );
    // Every marker is drawn before the filter (so that the pixel check below can tell hidden from never drawn).
    for (const at of [towAt, batteryAt, driverAt]) await eventually(() => painted(page, at), 10_000);

    await page.selectOption('select[name=service]', 'tow');
    await page.waitForSelector('[data-testid=driver-count]:has-text("1 drivers")', { timeout: 30_000 });
    await eventually(async () => !(await painted(page, batteryAt)) && !(await painted(page, driverAt)), 10_000);
    assert.ok(await painted(page, towAt), "the tow provider's marker stays");
    const along = Array.from({ length: 21 }, (_, i) => ({
      lat: towAt.lat + ((breakdown.lat - towAt.lat) * (i + 2)) / 25,
      lng: towAt.lng + ((breakdown.lng - towAt.lng) * (i + 2)) / 25,
    }));
    const orange = await eventually(async () => {
      const hits = (await Promise.all(along.map((p) => pixelAt(page, p)))).filter(isServiceOrange).length;
      return hits >= 3 ? hits : null;
    }, 10_000);
    assert.ok(orange >= 3, `the dashed service line runs from the provider to the breakdown (${orange} points)`);

    await page.mouse.click(...(await screenPoint(page, towAt)));
    await page.waitForSelector('[data-testid=driver-card] [data-testid=card-services]');
    assert.equal(await page.textContent('[data-testid=card-services]'), 'Tow');
    assert.equal(await page.textContent('[data-testid=card-trip]'), `Service job ${job.id.slice(0, 8)}`);
    // Issue 19.4: the card's job links to the job trace.
    assert.equal(await page.getAttribute('[data-testid=card-trip] a', 'href'), `#/jobs/${job.id}`);

    await page.selectOption('select[name=service]', '');
    await eventually(async () => (await painted(page, batteryAt)) && (await painted(page, driverAt)), 10_000);
    await page.click('nav button:has-text("العربية")');
    assert.equal(await page.textContent('select[name=service] option[value=tow]'), 'ونش');
    assert.deepEqual(problems, []);
  });
});

/** Where a map point is on the page, for a mouse click. */
async function screenPoint(page: Page, at: LatLng): Promise<[number, number]> {
  const p = await page.evaluate(({ lat, lng }) => (globalThis as any).fleetMap.latLngToContainerPoint([lat, lng]), at);
  const box = (await page.locator('[data-testid=map]').boundingBox())!;
  return [box.x + p.x, box.y + p.y];
}
