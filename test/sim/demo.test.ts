/**
 * Issue 21.3, the five-minute path: `npm run demo` starts the stack, signs up approved drivers who move and riders
 * who request, prints the console URL and the logins, and keeps the data when Ctrl-C stops it. Also: the README's
 * `npm run sim -- --drivers 5 --riders 3 --minutes 2` plans requests and leaves bench/results/ alone.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';
import { dropScratchSchema } from '../../support/scratch-schema.js';
import { eventually, freePort } from '../realtime/support.js';

const DATABASE_URL = process.env.DATABASE_URL!;
const ROOT = resolve(import.meta.dirname, '../..');
const schemas: string[] = [];

after(async () => {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  for (const schema of schemas) await dropScratchSchema(pool, schema);
  await pool.end();
});

function run(script: string, args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, exited, output: () => output };
}

test('npm run demo: logins printed, approved drivers moving, riders requesting; Ctrl-C stops cleanly and keeps the data', async () => {
  const schema = `t_demo_${randomBytes(3).toString('hex')}`;
  schemas.push(schema);
  const port = await freePort();
  // Rides only: this checks the drivers the demo approves and moves (roadside jobs: test/sim/roadside.test.ts).
  const demoArgs = ['--drivers', '4', '--riders', '2', '--area-km', '1', '--rate', '12', '--service-share', '0'];
  const demo = run('sim/demo.ts', demoArgs, {
    DATABASE_URL,
    DB_SCHEMA: schema,
    PORT: String(port),
    HOST: '127.0.0.1',
    NODE_ENV: 'test',
    DB_POOL_MAX: '5',
  });
  // The waits below add up to 210 s: at a load that makes them run out, the demo is killed before the runner's 420 s
  // file timeout would kill this process and leave the demo running (an orphan found serving 50 min later).
  const watchdog = setTimeout(() => demo.child.kill('SIGKILL'), 220_000);
  try {
    await eventually(() => demo.output().includes('admin login'), 60_000, 100);
    const out = demo.output();
    assert.match(out, new RegExp(`console +http://localhost:${port}/console`));
    const [, dPhone, dPassword] = /dispatcher +(\S+) \/ (\S+)/.exec(out)!;
    const [, phone, password] = /admin login +(\S+) \/ (\S+)/.exec(out)!;
    const base = `http://127.0.0.1:${port}/api/v1`;
    const login = await fetch(`${base}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone, password }),
    });
    assert.equal(login.status, 200, 'the printed admin login works');
    const token = ((await login.json()) as any).data.accessToken as string;
    const get = async (path: string) =>
      ((await (await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } })).json()) as any).data;
    const dispatcherLogin = await fetch(`${base}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone: dPhone, password: dPassword }),
    });
    assert.equal(dispatcherLogin.status, 200, 'the printed dispatcher login works');
    const dispatcherToken = ((await dispatcherLogin.json()) as any).data.accessToken as string;
    const sosDesk = await fetch(`${base}/admin/sos`, { headers: { authorization: `Bearer ${dispatcherToken}` } });
    assert.equal(sosDesk.status, 200, 'the dispatcher may open the SOS desk');
    await eventually(async () => (await get('/admin/drivers?approved=true&state=available')).length === 4, 60_000, 250);
    const positions = async () =>
      JSON.stringify(
        (await get('/location/nearby?lat=30.0444&lng=31.2357&radiusKm=10&limit=50')).map((d: any) => [d.lat, d.lng]),
      );
    const first = await eventually(async () => ((await positions()) !== '[]' ? positions() : ''), 30_000, 250);
    await eventually(async () => (await positions()) !== first, 60_000, 500);
  } finally {
    demo.child.kill('SIGINT');
  }
  // Bounded: a demo that ignores Ctrl-C fails here with its output instead of hanging the suite until its timeout.
  const stuck = setTimeout(() => demo.child.kill('SIGKILL'), 30_000);
  const code = await demo.exited;
  clearTimeout(stuck);
  clearTimeout(watchdog);
  assert.equal(code, 0, `exit ${code} after Ctrl-C (null: killed after 30 s)\n${demo.output().slice(-3_000)}`);
  assert.match(demo.output(), /demo stopped/);
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  const kept = await pool.query(`SELECT count(*)::int AS n FROM "${schema}".driver_profiles WHERE approved`);
  await pool.end();
  assert.equal(kept.rows[0].n, 4, 'the drivers are still there after the demo stopped');
});

test('npm run sim -- --drivers 5 --riders 3 --minutes 2 plans requests and writes to .data/sim, not bench/results', async () => {
  const benchResult = resolve(ROOT, 'bench/results/sim-off.json');
  const benchBefore = existsSync(benchResult) ? statSync(benchResult).mtimeMs : null;
  const startedAt = Date.now();
  const sim = run('sim/city.ts', ['--drivers', '5', '--riders', '3', '--minutes', '2', '--speed', '20'], {
    DATABASE_URL,
    NODE_ENV: 'test',
  });
  assert.equal(await sim.exited, 0, sim.output());
  const planned = /# (\d+) requests planned/.exec(sim.output());
  assert.ok(planned && Number(planned[1]) > 0, sim.output());
  const written = resolve(ROOT, '.data/sim/sim-off.json');
  assert.match(sim.output(), /written +.*\.data\/sim\/sim-off\.json/);
  assert.ok(statSync(written).mtimeMs >= startedAt - 1_000);
  assert.ok(JSON.parse(readFileSync(written, 'utf8')).requests > 0);
  assert.equal(existsSync(benchResult) ? statSync(benchResult).mtimeMs : null, benchBefore, 'bench/results untouched');
});
