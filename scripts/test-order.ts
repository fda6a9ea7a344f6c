/**
 * Suite order for `npm test`: with N suites in parallel, the run ends when the
 * slowest lane does, so the longest suites start first (longest-processing-time
 * scheduling). Durations come from the last full run on this machine
 * (.data/test-durations.json) or, on a fresh clone, the committed snapshot
 * (test/durations.json, refreshed by copying the former). Unknown suites
 * (new ones) go first: they may be slow.
 */
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, relative } from 'node:path';

export const LOCAL_DURATIONS = '.data/test-durations.json';
const SNAPSHOT = 'test/durations.json';

type Durations = Record<string, number>;

function read(path: string): Durations {
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Durations;
  } catch {
    return {}; // a torn file only costs the ordering
  }
}

export function slowestFirst(files: string[]): string[] {
  const known = { ...read(SNAPSHOT), ...read(LOCAL_DURATIONS) };
  const ms = (f: string) => known[f] ?? Number.POSITIVE_INFINITY;
  return [...files].sort((a, b) => ms(b) - ms(a) || a.localeCompare(b));
}

/** Folds the reporter's `<file>\t<ms>` lines into the local durations, per suite file. */
export function recordDurations(reporterOutput: string, cwd = process.cwd()): void {
  const perFile: Durations = {};
  for (const line of reporterOutput.split('\n')) {
    const [file, ms] = line.split('\t');
    if (!file || !ms) continue;
    // The reporter names the .ts source (source maps); a transpiled suite without one is mapped back to it.
    const key = relative(cwd, file)
      .replace(/^\.data\/test-build-[^/]+\//, '')
      .replace(/\.js$/, '.ts');
    perFile[key] = Math.round((perFile[key] ?? 0) + Number(ms));
  }
  if (Object.keys(perFile).length === 0) return;
  mkdirSync(dirname(LOCAL_DURATIONS), { recursive: true });
  writeFileSync(LOCAL_DURATIONS, JSON.stringify({ ...read(LOCAL_DURATIONS), ...perFile }, null, 2) + '\n');
}
