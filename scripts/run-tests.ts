/**
 * `npm test`: one Postgres per run (DATABASE_URL, or an embedded one started
 * here), one schema per suite (created by support/harness.ts), suites in parallel,
 * each suite run from the test tree transpiled once for the run (test-build.ts).
 */
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startEmbeddedPostgres } from '../src/platform/db/embedded.js';
import { planProcesses, recordDurations, type SuiteProcess } from './test-order.js';
import { buildTestTree, builtSuite } from './test-build.js';

const ROOTS = ['src', 'test'];
const CONCURRENCY = process.env.TEST_CONCURRENCY ?? '3';
/**
 * node:test applies it to each test and to each process as a whole. The
 * longest suites now start together (test/trips/races took 67 s in CI and
 * 240 s beside two other heavy suites and a bench): a bound for hangs, not a
 * speed check.
 */
const TIMEOUT_MS = 420_000;

function findTests(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) findTests(path, out);
    else if (entry.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

/**
 * Hooks at a file's top level belong to the whole process (node:test's root
 * test), so such a suite cannot share one; nor can a suite that reads
 * process-wide state (the metrics registry, tracing's module hooks), which
 * says so on a line of its own: `// npm test: own process (why)`.
 */
function needsOwnProcess(file: string): boolean {
  const source = readFileSync(file, 'utf8');
  return /^(before|after|beforeEach|afterEach)\(/m.test(source) || /^\/\/ npm test: own process/m.test(source);
}

/**
 * The file node:test runs for one process: an entry that imports its suites
 * in turn. Every process gets one, named by its rank, because node:test
 * runs its files in the order of their names, not the order given (Node 20
 * and 24 sort them), and the longest processes must start first.
 */
function processEntry(root: string, tree: string, proc: SuiteProcess, rank: number): string {
  const dir = join(tree, '.suite-processes');
  mkdirSync(dir, { recursive: true });
  // The name also says which suites it runs, for a process that fails outside any test.
  const first = proc.files[0]!.replace(/^(src|test)\//, '')
    .replace(/\.test\.ts$/, '')
    .replaceAll('/', '-');
  const more = proc.files.length > 1 ? `-and-${proc.files.length - 1}-more` : '';
  const entry = join(dir, `${String(rank).padStart(4, '0')}-${first}${more}.mjs`);
  const imports = proc.files.map(
    (f) => `await import(${JSON.stringify(pathToFileURL(builtSuite(root, tree, f)).href)});`,
  );
  writeFileSync(entry, imports.join('\n') + '\n');
  return entry;
}

async function main() {
  const filter = process.argv.slice(2);
  let files = ROOTS.flatMap((root) => findTests(root));
  if (filter.length > 0) files = files.filter((f) => filter.some((x) => f.includes(x)));
  const root = process.cwd();
  const tree = await buildTestTree(root);
  const entries = planProcesses(files, needsOwnProcess).map((proc, i) => processEntry(root, tree, proc, i));
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test' };
  let stop: (() => Promise<void>) | undefined;
  if (!env.DATABASE_URL) {
    const pg = await startEmbeddedPostgres({ dir: '.data/test-pg', port: Number(env.TEST_PG_PORT ?? 54331) });
    env.DATABASE_URL = pg.url;
    stop = pg.stop;
    process.stdout.write(`# tests use embedded Postgres at ${pg.url.replace(/:[^:@]+@/, ':***@')}\n`);
  }
  const timesDir = mkdtempSync(join(tmpdir(), 'smartline-test-times-'));
  const times = join(timesDir, 'durations.tsv');
  const reporters = [
    ['spec', 'stdout'],
    ['./scripts/test-durations-reporter.mjs', times],
  ].flatMap(([reporter, destination]) => [`--test-reporter=${reporter}`, `--test-reporter-destination=${destination}`]);
  const child = spawn(
    process.execPath,
    [
      '--enable-source-maps',
      '--test',
      `--test-concurrency=${CONCURRENCY}`,
      `--test-timeout=${TIMEOUT_MS}`,
      ...reporters,
      ...entries,
    ],
    { stdio: 'inherit', env },
  );
  const code: number = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)));
  await stop?.();
  if (existsSync(times)) recordDurations(readFileSync(times, 'utf8'), root);
  rmSync(timesDir, { recursive: true, force: true });
  rmSync(tree, { recursive: true, force: true });
  process.exit(code);
}

main().catch((err: unknown) => {
  process.stderr.write(`test runner failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
