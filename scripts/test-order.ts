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

function knownDurations(): Durations {
  return { ...read(SNAPSHOT), ...read(LOCAL_DURATIONS) };
}

function slowestFirst(files: string[]): string[] {
  const known = knownDurations();
  const ms = (f: string) => known[f] ?? Number.POSITIVE_INFINITY;
  return [...files].sort((a, b) => ms(b) - ms(a) || a.localeCompare(b));
}

/**
 * Every suite process pays ~2 s of CPU importing the app before its first
 * test (measured: importing support/harness, 2.5 s of CPU at load 7), a
 * quarter of a run's CPU over ~200 suites. Short suites therefore share a
 * process: node:test runs the suites of one process one after another, each
 * on its own schema and app as before. Long suites keep their own process
 * (the import is small beside them, and they set the run's tail), as do
 * suites of unknown length and those that ask for it (`ownProcess`).
 */
const SHARED_UNDER_MS = 20_000;
/** A shared process's suites add up to about this much, so the lanes stay balanced. */
const SHARED_PROCESS_MS = 40_000;
const SHARED_MAX_SUITES = 8;

export interface SuiteProcess {
  files: string[];
  ms: number;
}

/** The processes of a run, longest first (longest-processing-time scheduling over the lanes). */
export function planProcesses(files: string[], ownProcess: (file: string) => boolean): SuiteProcess[] {
  const known = knownDurations();
  const ms = (f: string) => known[f] ?? Number.POSITIVE_INFINITY;
  const alone: SuiteProcess[] = [];
  const shared: SuiteProcess[] = [];
  for (const file of slowestFirst(files)) {
    if (ms(file) >= SHARED_UNDER_MS || ownProcess(file)) {
      alone.push({ files: [file], ms: ms(file) });
      continue;
    }
    // First fit, longest suites first: few processes, each near SHARED_PROCESS_MS.
    const bin = shared.find((p) => p.ms + ms(file) <= SHARED_PROCESS_MS && p.files.length < SHARED_MAX_SUITES);
    if (bin) {
      bin.files.push(file);
      bin.ms += ms(file);
    } else shared.push({ files: [file], ms: ms(file) });
  }
  return [...alone, ...shared].sort((a, b) => b.ms - a.ms || 0); // two unknowns (∞ − ∞) keep their order
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
