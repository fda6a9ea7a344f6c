/**
 * `smartline all` as a real process: SIGTERM during a burst lets every
 * in-flight request finish, then exits 0 within the shutdown budget.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { getPriority } from 'node:os';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { createHttpServer } from '../../src/platform/http/server.js';
import { createLogger } from '../../src/platform/observability/logger.js';
import { OVERLOAD_OFF, randomPhone } from '../../support/harness.js';
import { eventually } from '../support/fixtures.js';
import { dropScratchSchema } from '../../support/scratch-schema.js';

const SHUTDOWN_BUDGET_MS = 10_000;
const BURST = 40;

async function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

describe('HTTP drain on close', () => {
  test('close() lets an in-flight request finish with Connection: close and does not wait out keep-alive', async () => {
    const http = await createHttpServer({ log: createLogger('silent'), corsOrigins: [], version: '0.0.0' });
    let arrived!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (arrived = resolve));
    http.get('/slow', async () => {
      arrived();
      await sleep(300);
      return { ok: true };
    });
    await http.listen({ port: 0, host: '127.0.0.1' });
    const { port } = http.server.address() as { port: number };
    const inFlight = fetch(`http://127.0.0.1:${port}/slow`, { headers: { connection: 'keep-alive' } });
    // In flight means in the handler: a request that reaches a closing server is refused (503), as it should be.
    await handlerStarted;
    const closing = performance.now();
    await Promise.all([
      http.close(),
      inFlight.then(async (res) => {
        assert.equal(res.status, 200);
        assert.deepEqual(await res.json(), { ok: true });
        assert.equal(res.headers.get('connection'), 'close');
      }),
    ]);
    const ms = performance.now() - closing;
    assert.ok(ms < 2_000, `closed in ${Math.round(ms)} ms`);
  });
});

describe('graceful shutdown', () => {
  const schema = `t_shutdown_${randomBytes(3).toString('hex')}`;
  const databaseUrl = process.env.DATABASE_URL!;
  let child: ChildProcess | undefined;
  after(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await dropScratchSchema(client, schema);
    await client.end();
  });

  test('SIGTERM mid-burst: in-flight requests complete, exit code 0 within 10 s', async () => {
    const port = await sparePort();
    const base = `http://127.0.0.1:${port}`;
    let stderr = '';
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'all'], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATABASE_URL: databaseUrl,
        DB_SCHEMA: schema,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        RATE_LIMITS_DISABLED: 'true',
        ...OVERLOAD_OFF,
        DB_POOL_MAX: '10',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // The app logs every request it has received (pino JSON lines): that is how we know the burst arrived.
    let received = 0;
    let partial = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines)
        if (line.includes('"msg":"incoming request"') && line.includes('/api/v1/auth/signup')) received++;
    });
    const exited = exitOf(child);

    await eventually(
      async () => {
        if (child!.exitCode !== null) throw new Error(`app exited early: ${stderr}`);
        const res = await fetch(`${base}/health/ready`).catch(() => undefined);
        return res?.status === 200;
      },
      60_000,
      200,
    );

    // Its requests and jobs share one process: only `smartline worker` lowers its priority (worker-priority.test.ts).
    assert.equal(getPriority(child.pid), getPriority(), 'smartline all keeps the priority it was started with');

    // Signups hash passwords with argon2: slow enough to still be running at SIGTERM.
    let finished = 0;
    const burst = Array.from({ length: BURST }, () =>
      fetch(`${base}/api/v1/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ phone: randomPhone(), password: 'password-123', name: 'Late Rider', role: 'rider' }),
      }).then(async (res) => {
        finished++;
        return { status: res.status, body: await res.text() };
      }),
    );
    await eventually(async () => received === BURST, 10_000, 5);
    const sentAt = performance.now();
    const inFlightAtSigterm = BURST - finished;
    child.kill('SIGTERM');

    const results = await Promise.all(burst.map((p) => p.catch((err: Error) => ({ status: 0, body: err.message }))));
    const { code, signal } = await exited;
    const shutdownMs = performance.now() - sentAt;

    assert.ok(inFlightAtSigterm > 0, 'the burst was still running when SIGTERM arrived');
    assert.equal(received, BURST);
    assert.deepEqual(
      results.filter((r) => r.status !== 201),
      [],
      'every in-flight request completed normally',
    );
    assert.equal(signal, null, `exited by itself, not killed (stderr: ${stderr.slice(-500)})`);
    assert.equal(code, 0, `exit code (stderr: ${stderr.slice(-500)})`);
    assert.ok(shutdownMs < SHUTDOWN_BUDGET_MS, `shut down in ${Math.round(shutdownMs)} ms`);
    console.log(
      `# shutdown: ${inFlightAtSigterm}/${BURST} requests in flight at SIGTERM, all 201, exit 0 after ` +
        `${Math.round(shutdownMs)} ms`,
    );

    const refused = await fetch(`${base}/health/live`).then(
      () => 'answered',
      () => 'refused',
    );
    assert.equal(refused, 'refused', 'nothing listens after exit');
  });
});
