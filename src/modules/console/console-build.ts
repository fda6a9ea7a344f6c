import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../platform/observability/logger.js';
import { CONSOLE_DIST } from './console-static.js';

const CONSOLE_ROOT = fileURLToPath(new URL('../../../console/', import.meta.url));
const DIST = CONSOLE_DIST.replace(/\/$/, '');
/** What the bundle is built from: a change to any of these makes console/dist stale. */
const SOURCES = ['src', 'index.html', 'vite.config.ts'].map((p) => join(CONSOLE_ROOT, p));

/**
 * `npm start` serves the console: built here when console/dist is missing (a fresh clone) or older than its
 * sources (a pull that changed the console), with the installed Vite only — no network. Vite is loaded only
 * then, so a normal start does not pay for it.
 */
export async function ensureConsoleBuilt(
  log: Logger,
  opts: { force?: boolean; production?: boolean } = {},
): Promise<void> {
  const builtAt = mtimeOf(`${DIST}/index.html`);
  // Vite is a dev dependency: an image ships console/dist prebuilt (Dockerfile) and never builds at start.
  if (opts.production) {
    if (builtAt === undefined) log.warn('console/dist is missing and production never builds it: /console is off');
    return;
  }
  if (!opts.force && builtAt !== undefined && builtAt >= newestSource()) return;
  const started = Date.now();
  const outDir = `${DIST}.building-${process.pid}-${started}`;
  const { build } = await import('vite');
  await build({ configFile: `${CONSOLE_ROOT}vite.config.ts`, root: CONSOLE_ROOT, logLevel: 'warn', build: { outDir } });
  swapIn(outDir);
  log.info({ ms: Date.now() - started }, 'console built into console/dist');
}

/**
 * Several processes may build at once (parallel test suites, a cluster's nodes): each builds into its own
 * directory and renames it into place, so nobody serves or reads a half-written bundle.
 */
function swapIn(outDir: string): void {
  const old = `${outDir}.old`;
  try {
    renameSync(DIST, old);
  } catch {
    // none there yet, or another build is swapping it right now
  }
  try {
    renameSync(outDir, DIST);
  } catch {
    rmSync(outDir, { recursive: true, force: true }); // another build got there first: same sources, same bundle
  }
  rmSync(old, { recursive: true, force: true });
}

function mtimeOf(path: string): number | undefined {
  return existsSync(path) ? statSync(path).mtimeMs : undefined;
}

function newestSource(): number {
  let newest = 0;
  const visit = (path: string) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  SOURCES.forEach(visit);
  return newest;
}
