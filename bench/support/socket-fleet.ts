import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import pg from 'pg';
import { io as ioClient, type Socket as ClientSocket } from 'socket.io-client';
import { randomSecret } from '../../src/config.js';
import { KeyRing } from '../../src/modules/auth/index.js';
import { dropScratchSchema } from '../../support/scratch-schema.js';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/**
 * One signing key per bench run, given to the server process (benchAppEnv) and used by seedUsers: there is no constant
 * dev key to share.
 */
const BENCH_JWT_KEY = { kid: 'bench', secret: randomSecret() };

export interface ServerCpu {
  cpuUs: number;
  loopActiveMs: number;
  loopIdleMs: number;
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  memory(): Promise<{ rss: number; heapUsed: number }>;
  /** The server's CPU time (µs, user + system) and event-loop busy/idle time (ms) so far. */
  cpu(): Promise<ServerCpu>;
  /** Starts a V8 CPU profile of the server; the returned function stops it and writes it to `path`. */
  profile(): Promise<(path: string) => Promise<void>>;
  stop(): Promise<void>;
}

/** Starts bench/support/socket-server.ts (`bare` or `smartline`) in a child process with --expose-gc. */
export async function startServer(
  mode: 'bare' | 'smartline',
  appEnv: Record<string, string> = {},
): Promise<ServerProcess> {
  const child = fork(resolve(import.meta.dirname, 'socket-server.ts'), [mode], {
    // BENCH_CPU_PROF=<dir>: a V8 CPU profile of the server process, written when it exits.
    execArgv: [
      '--import',
      'tsx',
      '--expose-gc',
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
    ],
    env: { ...process.env, BENCH_APP_ENV: JSON.stringify(appEnv) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolvePort, reject) => {
    child.once('message', (m: { port: number }) => resolvePort(m.port));
    child.once('exit', (code) => reject(new Error(`${mode} server exited ${code}`)));
  });
  const ask = <T>(cmd: string, extra: Record<string, unknown> = {}) =>
    new Promise<T>((resolveAnswer) => {
      child.once('message', (m: T) => resolveAnswer(m));
      child.send({ cmd, ...extra });
    });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    memory: async () => (await ask<{ memory: { rss: number; heapUsed: number } }>('measure')).memory,
    cpu: async () => (await ask<{ cpu: ServerCpu }>('cpu')).cpu,
    profile: async () => {
      await ask('profile-start');
      return async (path) => void (await ask('profile-stop', { path }));
    },
    stop: async () => {
      if (child.exitCode !== null || !child.connected) return; // already stopped
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ cmd: 'stop' });
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** App env for a bench run: real defaults, limits raised only where the bench itself would trip them. */
export function benchAppEnv(schema: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL,
    DB_SCHEMA: schema,
    LOG_LEVEL: 'warn',
    DB_POOL_MAX: '10', // the bench database may be shared: stay a modest client
    // One load generator = one IP: the per-IP reconnect-storm limit would refuse the fleet.
    SOCKET_CONNECTS_PER_IP_PER_MIN: '1000000',
    JWT_KEYS: `${BENCH_JWT_KEY.kid}:${BENCH_JWT_KEY.secret}`,
    ...extra,
  };
}

/**
 * `count` users of `role` with one session each, bulk-inserted; drivers get an
 * approved, available economy profile. Tokens are signed with the app's key
 * ring (the run's bench key, see benchAppEnv), so the handshake verifies them normally.
 */
export async function seedUsers(
  schema: string,
  count: number,
  role: 'rider' | 'driver',
  ttlS = 3_600,
): Promise<Array<{ id: string; token: string }>> {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2, options: `-c search_path=${schema},public` });
  try {
    const users = await pool.query<{ id: string }>(
      `INSERT INTO users (phone, name, role, password_hash)
       SELECT '+2015' || lpad(g::text, 8, '0'), 'Bench ' || $2, $2, 'not-a-real-hash' FROM generate_series(1, $1::int) g RETURNING id`,
      [count, role],
    );
    const ids = users.rows.map((r) => r.id);
    if (role === 'driver') {
      await pool.query(
        `INSERT INTO driver_profiles (user_id, vehicle_class, vehicle, approved, state)
         SELECT u, 'economy', '{"make":"Toyota","model":"Corolla","plate":"BEN 1","color":"white"}'::jsonb, true, 'available' FROM unnest($1::uuid[]) u`,
        [ids],
      );
    }
    const sessions = await pool.query<{ id: string; user_id: string }>(
      'INSERT INTO sessions (user_id) SELECT unnest($1::uuid[]) RETURNING id, user_id',
      [ids],
    );
    const keyRing = new KeyRing([BENCH_JWT_KEY], BENCH_JWT_KEY.kid);
    return Promise.all(
      sessions.rows.map(async (s) => ({
        id: s.user_id,
        token: (await keyRing.sign({ sub: s.user_id, role, sid: s.id }, ttlS)).token,
      })),
    );
  } finally {
    await pool.end();
  }
}

export async function dropSchema(schema: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  await dropScratchSchema(pool, schema);
  await pool.end();
}

/** A shared Postgres may briefly refuse (SERVICE_UNAVAILABLE): such handshakes are retried a few times. */
async function connectOne(url: string, token: string | undefined, i: number, attempts = 5): Promise<ClientSocket> {
  for (let attempt = 1; ; attempt++) {
    const socket = ioClient(url, {
      transports: ['websocket'],
      auth: token ? { token } : {},
      reconnection: false,
      forceNew: true,
      timeout: 30_000,
    });
    const error = await new Promise<(Error & { data?: { code?: string } }) | null>((done) => {
      socket.once('connect', () => done(null));
      socket.once('connect_error', (err) => done(err));
    });
    if (!error) return socket;
    socket.disconnect();
    if (error.data?.code !== 'SERVICE_UNAVAILABLE' || attempt >= attempts)
      throw new Error(`socket ${i}: ${error.message} ${JSON.stringify(error.data ?? '')}`);
    await new Promise((r) => setTimeout(r, 200 * attempt));
  }
}

/** Connects one client per token (undefined = no auth), `parallel` handshakes at a time. */
export async function connectFleet(
  url: string,
  tokens: Array<string | undefined>,
  parallel = 200,
): Promise<ClientSocket[]> {
  const sockets: ClientSocket[] = new Array(tokens.length);
  let next = 0;
  const worker = async () => {
    while (next < tokens.length) {
      const i = next++;
      const token = tokens[i];
      sockets[i] = await connectOne(url, token, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, tokens.length) }, worker));
  return sockets;
}

export function closeFleet(sockets: ClientSocket[]): void {
  for (const s of sockets) s?.disconnect();
}
