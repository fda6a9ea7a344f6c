/**
 * Screenshots of the ops console for README and docs/console/ (map with a driver card, trip search and trace, driver
 * page, SOS desk with its trail), taken in headless
 * Debian Chromium against a throwaway app seeded through the API. Needs DATABASE_URL and /usr/bin/chromium.
 */
import { startTestApp } from '../../support/harness.js';
import { ensureConsoleBuilt } from '../../src/modules/console/index.js';
import { createLogger } from '../../src/platform/observability/logger.js';
import { launchBrowser, signIn } from './browser.js';
import { staffUser } from './support.js';
import { completedTrip } from '../trust/support.js';

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
await page.goto(`${base}/console/#/trips`);
await page.fill('input[name=q]', rider.phone);
await page.click('[data-testid=trip-search] button[type=submit]');
await page.waitForSelector('[data-testid=trip-results]');
await page.screenshot({ path: `${OUT}trip-search.png` });
await page.goto(`${base}/console/#/trips/${tripId}`);
await page.waitForSelector('[data-testid=trace-offers]');
await page.screenshot({ path: `${OUT}trace.png`, fullPage: true });
await page.goto(`${base}/console/#/drivers/${driver.id}`);
await page.waitForSelector('[data-testid=driver-today]');
await page.screenshot({ path: `${OUT}driver.png`, fullPage: true });
await page.goto(`${base}/console/#/sos`);
await page.waitForSelector('tr.sos-row');
await page.waitForTimeout(1_000);
await page.screenshot({ path: `${OUT}sos.png`, fullPage: true });
await browser.close();
await t.close();
process.stdout.write(`screenshots in ${OUT}\n`);
