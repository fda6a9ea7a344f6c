/**
 * The test tree, transpiled once per `npm test` run. Every suite is its own
 * process; loaded through tsx, each one spent ~2 s of CPU transpiling and
 * resolving the same ~800 TypeScript files through tsx's off-thread loader
 * hooks (about half of a small suite's CPU). This transpiles them once, with
 * the same esbuild tsx uses, into a mirror of the repository
 * (`.data/test-build-*`, one per run, so two runs in one checkout do not
 * meet): each TypeScript directory is copied (tests read their
 * own sources, docs and layout files) with the `.js` beside each `.ts`, and
 * every other top-level entry (docs, migrations, console, node_modules, …) is
 * a symlink to the real one, so paths relative to a file mean the same thing.
 */
import { build } from 'esbuild';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** Directories holding TypeScript that tests import or read. */
const TS_DIRS = ['src', 'test', 'support', 'scripts', 'sim', 'bench', 'clients'];
/** Not mirrored: the mirror's own home, and git (tests never read it). */
const SKIP = new Set(['.data', '.git']);

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f));
}

const STALE_MS = 6 * 3600_000;

/** Mirrors left by runs that were killed before they could remove theirs. */
function sweepStaleTrees(dataDir: string): void {
  for (const entry of readdirSync(dataDir)) {
    const path = join(dataDir, entry);
    if (entry.startsWith('test-build-') && Date.now() - statSync(path).mtimeMs > STALE_MS) {
      rmSync(path, { recursive: true, force: true });
    }
  }
}

/** Builds a mirror of `root` under `<root>/.data/test-build-*` and returns its path (the caller removes it). */
export async function buildTestTree(root: string): Promise<string> {
  const dataDir = resolve(root, '.data');
  mkdirSync(dataDir, { recursive: true });
  sweepStaleTrees(dataDir);
  const out = mkdtempSync(join(dataDir, 'test-build-'));
  for (const entry of readdirSync(root)) {
    if (SKIP.has(entry)) continue;
    if (TS_DIRS.includes(entry)) cpSync(join(root, entry), join(out, entry), { recursive: true });
    else symlinkSync(join(root, entry), join(out, entry));
  }
  await build({
    entryPoints: TS_DIRS.flatMap((d) => tsFiles(join(root, d))),
    outdir: out,
    outbase: root,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return out;
}

/** A suite's path in the mirror, from its path in the repository. */
export function builtSuite(root: string, out: string, file: string): string {
  return join(out, relative(root, resolve(root, file))).replace(/\.ts$/, '.js');
}
