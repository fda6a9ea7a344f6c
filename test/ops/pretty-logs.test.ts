/**
 * Issue 21.3: in a terminal the logs are pretty (pino-pretty as a transport when stdout is a TTY outside
 * production); piped or redirected they stay JSON lines. The real binary (`src/main.ts migrate`) runs twice on one
 * scratch schema: once with stdout piped, once under a pseudo-terminal made by util-linux's `script`.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { parseConfig } from '../../src/config.js';
import { wantsPrettyLogs } from '../../src/platform/observability/logger.js';
import { dropScratchSchema } from '../../support/scratch-schema.js';

const ROOT = resolve(import.meta.dirname, '../..');
const schema = `t_pretty_${randomBytes(3).toString('hex')}`;
const dataDir = mkdtempSync(join(tmpdir(), 'smartline-pretty-'));
const hasScript = spawnSync('script', ['--version']).status === 0;
// ESC [ … m colour codes: pino-pretty colours when the terminal is a TTY.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

after(async () => {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  await dropScratchSchema(client, schema);
  await client.end();
  rmSync(dataDir, { recursive: true, force: true });
});

/** `smartline migrate` with stdout piped, or (tty) inside `script`, which gives it a pseudo-terminal. */
async function migrate(tty: boolean): Promise<{ code: number | null; stdout: string }> {
  const env = {
    ...process.env,
    NODE: process.execPath,
    NODE_ENV: 'development',
    LOG_PRETTY: 'auto',
    LOG_LEVEL: 'info',
    DB_SCHEMA: schema,
    DATA_DIR: dataDir,
  };
  const command = `exec "$NODE" --import tsx src/main.ts migrate`;
  const child = tty
    ? spawn('script', ['-qec', command, '/dev/null'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn('sh', ['-c', command], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout };
}

test('LOG_PRETTY decides with the terminal, and production is always JSON', () => {
  const dev = { NODE_ENV: 'development' };
  assert.equal(wantsPrettyLogs({ ...dev, LOG_PRETTY: 'auto' }, true), true);
  assert.equal(wantsPrettyLogs({ ...dev, LOG_PRETTY: 'auto' }, false), false);
  assert.equal(wantsPrettyLogs({ ...dev, LOG_PRETTY: 'true' }, false), true);
  assert.equal(wantsPrettyLogs({ ...dev, LOG_PRETTY: 'false' }, true), false);
  assert.equal(wantsPrettyLogs({ NODE_ENV: 'production', LOG_PRETTY: 'auto' }, true), false);
  assert.throws(
    () => parseConfig({ NODE_ENV: 'production', LOG_PRETTY: 'true' }),
    /LOG_PRETTY: production logs are JSON lines/,
  );
});

test('piped, the binary writes JSON lines', { timeout: 300_000 }, async () => {
  const { code, stdout } = await migrate(false);
  assert.equal(code, 0, stdout);
  const lines = stdout.split('\n').filter(Boolean);
  assert.ok(lines.length > 0, 'it logged something');
  for (const line of lines) {
    const record = JSON.parse(line) as { level: number; msg: string; role: string };
    assert.equal(typeof record.level, 'number');
    assert.equal(record.role, 'migrate');
  }
});

test(
  'in a terminal, the same binary writes pretty lines',
  { skip: !hasScript && 'util-linux `script` not installed', timeout: 300_000 },
  async () => {
    const { code, stdout } = await migrate(true);
    assert.equal(code, 0, stdout);
    assert.match(stdout, ANSI, 'coloured for the terminal');
    const plain = stdout.replace(ANSI, '').replace(/\r/g, '');
    // pino-pretty's layout: `[HH:MM:SS.mmm] LEVEL: message`, then the fields indented below.
    // Memory or Redis, whichever this run's REDIS_URL gives.
    assert.match(plain, /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: hot state: using (in-process memory|redis)/m);
    assert.match(plain, /^ {4}role: "migrate"$/m);
    assert.doesNotMatch(plain, /^\{"level"/m, 'no JSON line');
  },
);
