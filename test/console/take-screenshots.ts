/**
 * Screenshots of the ops console for README and docs/console/ (map with a driver card and a tow job's line, trip
 * search and trace, a roadside job's trace with the provider's route, chat and proof photo, driver page, SOS desk
 * with its trail, surge map with a busy cell), taken in headless
 * Debian Chromium against a throwaway app seeded through the API. Needs DATABASE_URL and /usr/bin/chromium.
 */
import { startTestApp } from '../../support/harness.js';
import { ensureConsoleBuilt } from '../../src/modules/console/index.js';
import { createLogger } from '../../src/platform/observability/logger.js';
import { launchBrowser, signIn } from './browser.js';
import { staffUser } from './support.js';
import { completedServiceJob } from './trace-support.js';
import { completedTrip } from '../trust/support.js';
import { assignBySql, providerAt, requestService, towBody } from '../field-service/support.js';
import { requestTrip, TRIP_BODY } from '../support/fixtures.js';
import { cellToLatLng, gridDisk } from 'h3-js';
import { surgeCellOf } from '../../src/modules/pricing/index.js';

const OUT = new URL('../../docs/console/', import.meta.url).pathname;

await ensureConsoleBuilt(createLogger('warn'));
const t = await startTestApp('screenshots', { DISPATCH_INLINE_FIRST_ROUND: 'false', CONSOLE_TILE_URL: '' });
const base = await t.listen();
await t.platform.jobs.start();
const dispatcher = await staffUser(t, ['dispatcher']);
for (let i = 0; i < 40; i++)
  await t.platform.hotState.upsertDriverPosition({
    driverId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    lat: 30.02 + (i % 8) * 0.008,
    lng: 31.2 + Math.floor(i / 8) * 0.012,
    vehicleClass: i % 3 ? 'economy' : 'comfort',
    available: i % 4 !== 0,
    at: Date.now() - (i % 10 === 0 ? 120_000 : 0),
  });
const rider = await t.signup('rider');
const driver = await t.driver();
const tripId = await completedTrip(t, rider, driver);
await t.platform.hotState.upsertDriverPosition({
  driverId: driver.id,
  lat: 30.045,
  lng: 31.236,
  vehicleClass: 'economy',
  available: true,
  at: Date.now(),
});
// A tow provider on a job: "on trip" with a line to the breakdown (issue 19.3).
const towing = await providerAt(t, { lat: 30.052, lng: 31.226 }, { serviceTypes: ['tow'], equipment: ['tow_truck'] });
const tow = await requestService(
  t,
  await t.signup('rider'),
  towBody({ location: { lat: 30.058, lng: 31.219, address: 'Corniche' } }),
);
await assignBySql(t, tow.id, towing.id);
// Three trip requests in one cell near the centre: the surge map shows it raised (issue 19.7).
const [busyLat, busyLng] = cellToLatLng(gridDisk(surgeCellOf({ lat: 30.0444, lng: 31.2357 }), 1)[1]!);
for (let i = 0; i < 3; i++)
  await requestTrip(t, await t.signup('rider'), { ...TRIP_BODY, pickup: { lat: busyLat, lng: busyLng } });
await t.api('POST', '/api/v1/sos', {
  token: (await t.signup('rider')).accessToken,
  body: { lat: 30.05, lng: 31.24, note: 'help at the gate' },
});
const browser = await launchBrowser();
const { page } = await browser.page();
await page.setViewportSize({ width: 1280, height: 760 });
await signIn(page, base, dispatcher);
await page.waitForTimeout(2_000);
const point = await page.evaluate(() => (globalThis as any).fleetMap.latLngToContainerPoint([30.045, 31.236]));
const box = (await page.locator('[data-testid=map]').boundingBox())!;
await page.mouse.click(box.x + point.x, box.y + point.y);
await page.waitForSelector('[data-testid=card-vehicle]:has-text("Toyota")');
await page.screenshot({ path: `${OUT}map.png` });
// After the map shot (the job takes seconds: its fixes are spaced 2 s apart, and the map's fixes would age): a
// roadside job with the provider's route, a chat line each way and a proof photo (issue 19.4 job trace).
const { job } = await completedServiceJob(t);
await page.goto(`${base}/console/#/trips`);
await page.fill('input[name=q]', rider.phone);
await page.click('[data-testid=trip-search] button[type=submit]');
await page.waitForSelector('[data-testid=trip-results]');
await page.screenshot({ path: `${OUT}trip-search.png` });
await page.goto(`${base}/console/#/trips/${tripId}`);
await page.waitForSelector('[data-testid=trace-offers]');
await page.screenshot({ path: `${OUT}trace.png`, fullPage: true });
await page.goto(`${base}/console/#/jobs/${job.id}`);
await page.waitForSelector('[data-testid=job-proofs] img[data-testid=proof-image]');
await page.waitForFunction(() => (globalThis as any).document.querySelector('.proof-thumb')?.naturalWidth > 0);
await page.screenshot({ path: `${OUT}job-trace.png`, fullPage: true });
await page.goto(`${base}/console/#/drivers/${driver.id}`);
await page.waitForSelector('[data-testid=driver-today]');
await page.screenshot({ path: `${OUT}driver.png`, fullPage: true });
await page.goto(`${base}/console/#/sos`);
await page.waitForSelector('tr.sos-row');
await page.waitForTimeout(1_000);
await page.screenshot({ path: `${OUT}sos.png`, fullPage: true });
const admin = await browser.page();
await admin.page.setViewportSize({ width: 1280, height: 760 });
await signIn(admin.page, base, await t.admin(), 'admin-password-123');
await admin.page.goto(`${base}/console/#/surge`);
await admin.page.waitForSelector('.surge-label');
await admin.page.screenshot({ path: `${OUT}surge.png` });
await browser.close();
await t.close();
process.stdout.write(`screenshots in ${OUT}\n`);
