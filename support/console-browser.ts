/** Headless Debian Chromium for the console suites and bench:console (never a downloaded browser). */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Why the browser suites skip, or null when Chromium is there (`npm test` prints it). */
export const browserSkipReason = existsSync(CHROMIUM_PATH)
  ? null
  : `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`;

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface ConsoleBrowser {
  /** A fresh context (its own cookies) and page; CSP violations and page errors are collected in `problems`. */
  page(): Promise<{ page: Page; context: BrowserContext; problems: string[] }>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<ConsoleBrowser> {
  // chromium.launch gives the browser a fresh temporary profile (user-data-dir) of its own and removes it on close.
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS });
  return {
    async page() {
      const context = await browser.newContext({ locale: 'en-US' });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
      page.on('console', (msg) => {
        if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) problems.push(msg.text());
      });
      return { page, context, problems };
    },
    async close() {
      await browser.close();
    },
  };
}

/** Signs in through the console's own form. */
export async function signIn(page: Page, base: string, user: { phone: string }, password = 'password-123') {
  await page.goto(`${base}/console/`);
  await page.fill('input[name=phone]', user.phone);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('nav');
}
