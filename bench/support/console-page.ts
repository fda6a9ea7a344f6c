/** The console bench's browser half: how long a dispatcher's page takes to show every marker (not a bench itself). */
import { startTestApp, type TestUser } from '../../support/harness.js';
import { ensureConsoleBuilt } from '../../src/modules/console/index.js';
import { createLogger } from '../../src/platform/observability/logger.js';
import { browserSkipReason, launchBrowser, signIn, type ConsoleBrowser } from '../../support/console-browser.js';
import { staffUser } from '../../support/staff.js';

const PAGE_TIMEOUT_MS = 180_000;

/** Sign-in form → the map's count says `n` drivers and the next frame is painted; ms. */
async function timeToMarkers(browser: ConsoleBrowser, base: string, user: TestUser, n: number): Promise<number> {
  const { page, context } = await browser.page();
  await page.setViewportSize({ width: 1280, height: 800 });
  const started = performance.now();
  await signIn(page, base, user);
  await page.waitForFunction(
    `document.querySelector('[data-testid=driver-count]')?.textContent === '${n} drivers'`,
    undefined,
    { timeout: PAGE_TIMEOUT_MS, polling: 50 },
  );
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => resolve(null)))');
  const ms = Math.round(performance.now() - started);
  await context.close();
  return ms;
}

export async function pageTimes(drivers: number) {
  if (browserSkipReason) return { skipped: browserSkipReason };
  await ensureConsoleBuilt(createLogger('warn'));
  const t = await startTestApp('bench_console', { CONSOLE_TILE_URL: '' });
  const browser = await launchBrowser();
  try {
    const base = await t.listen();
    const dispatcher = await staffUser(t, ['dispatcher']);
    const emptyMapMs = await timeToMarkers(browser, base, dispatcher, 0);
    for (let i = 0; i < drivers; i++)
      await t.platform.hotState.upsertDriverPosition({
        driverId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        lat: 30.0444 + (((i * 7919) % 1000) / 1000 - 0.5) * 0.4,
        lng: 31.2357 + (((i * 104729) % 1000) / 1000 - 0.5) * 0.4,
        vehicleClass: 'economy',
        available: true,
        at: Date.now(),
      });
    const allMarkersMs = await timeToMarkers(browser, base, dispatcher, drivers);
    return { emptyMapMs, allMarkersMs, ratio: Math.round((allMarkersMs / emptyMapMs) * 100) / 100 };
  } finally {
    await browser.close();
    await t.close();
  }
}
