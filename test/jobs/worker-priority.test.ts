/**
 * `smartline worker` gives itself WORKER_NICE, so API nodes on the same
 * machine get the CPU before background jobs; `smartline all` (requests and
 * jobs in one process) keeps its priority (asserted in shutdown.test.ts).
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { getPriority } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { dropScratchSchema } from '../../support/scratch-schema.js';

const schema = `t_worker_nice_${randomBytes(3).toString('hex')}`;

/** Starts `smartline worker` on a scratch schema; resolves once it logged that it started. */
async function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'worker'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DB_SCHEMA: schema,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! }); // read to the end: a full pipe would stall the child
  await new Promise<void>((started, failed) => {
    lines.on('line', (line) => line.includes('smartline started') && started());
    child.once('exit', (code) => failed(new Error(`smartline worker exited (${code}) before it started`)));
  });
  return child;
}

/** Each thread's nice level (Linux keeps one per thread: /proc/<pid>/task/<tid>/stat, field 19). */
function threadNiceLevels(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

describe('worker process priority', () => {
  const children: ChildProcess[] = [];
  after(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    await dropScratchSchema(client, schema);
    await client.end();
  });

  test('a worker runs at nice 10 by default, and at the level WORKER_NICE sets', async () => {
    const own = getPriority();
    const byDefault = await startWorker({});
    children.push(byDefault);
    assert.equal(getPriority(byDefault.pid), Math.max(own, 10));
    const set = await startWorker({ WORKER_NICE: '15' });
    children.push(set);
    assert.equal(getPriority(set.pid), Math.max(own, 15));
  });

  test("every thread of the worker yields, V8's compiler and GC helpers and libuv's pool included", async () => {
    const child = await startWorker({});
    children.push(child);
    const levels = threadNiceLevels(child.pid!);
    assert.ok(levels.length > 4, `a node process has helper threads (${levels.length})`);
    assert.deepEqual(
      levels.filter((nice) => nice < 10),
      [],
      'no thread left at the start priority',
    );
  });

  test('WORKER_NICE=0 leaves the worker at the priority it was started with', async () => {
    const child = await startWorker({ WORKER_NICE: '0' });
    children.push(child);
    assert.equal(getPriority(child.pid), getPriority());
  });
});
