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

  test('WORKER_NICE=0 leaves the worker at the priority it was started with', async () => {
    const child = await startWorker({ WORKER_NICE: '0' });
    children.push(child);
    assert.equal(getPriority(child.pid), getPriority());
  });
});
