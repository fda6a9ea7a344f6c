import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { io as ioClient, type ManagerOptions, type Socket as ClientSocket, type SocketOptions } from 'socket.io-client';
import { loadConfig, type Config } from '../src/config.js';
import { createPlatform, type Platform } from '../src/platform/runtime.js';
import { buildApp, type App } from '../src/app.js';
import { createLogger, type Logger } from '../src/platform/observability/logger.js';
import { dropScratchSchema } from './scratch-schema.js';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | undefined>;
}

export interface TestUser {
  id: string;
  phone: string;
  role: 'rider' | 'driver' | 'admin';
  accessToken: string;
  refreshToken: string;
}

export interface TestApp {
  platform: Platform;
  app: App;
  config: Config;
  schema: string;
  api<T = any>(
    method: string,
    path: string,
    opts?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<ApiResponse<T>>;
  signup(role: 'rider' | 'driver'): Promise<TestUser>;
  driver(opts?: { approved?: boolean; vehicleClass?: string; available?: boolean }): Promise<TestUser>;
  admin(): Promise<TestUser>;
  count(table: string): Promise<number>;
  /** Starts listening on 127.0.0.1, port 0 (once); returns the base URL for socket clients. */
  listen(): Promise<string>;
  /**
   * A socket.io-client connected with `auth: {token}` (websocket only, no
   * reconnection unless `opts` say so); rejects with the `connect_error`.
   * Disconnected by `close()`.
   */
  connectSocket(token: string | undefined, opts?: Partial<ManagerOptions & SocketOptions>): Promise<ClientSocket>;
  close(): Promise<void>;
}

/**
 * The test box is shared and loaded by design: overload shedding would make unrelated suites flaky (a spawned
 * node's first seconds can average a 1 s event-loop delay there). test/ops/overload.test.ts turns it on with its
 * own thresholds; suites that spawn `src/main.ts` spread this into the child's env.
 */
export const OVERLOAD_OFF = { OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0', OVERLOAD_MAX_POOL_WAIT_MS: '0' } as const;

export function randomPhone(): string {
  return `+2010${String(randomBytes(4).readUInt32BE() % 100_000_000).padStart(8, '0')}`;
}

const ADMIN_PASSWORD = 'admin-password-123';

/**
 * A full app on its own schema of the run's shared database (DATABASE_URL,
 * set by scripts/run-tests.ts). Nothing is mocked: real Postgres, real jobs.
 */
export async function startTestApp(
  name: string,
  env: Record<string, string> = {},
  opts: { log?: Logger } = {},
): Promise<TestApp> {
  const schema = `t_${name.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(3).toString('hex')}`;
  const adminPhone = randomPhone();
  const config = loadConfig({
    NODE_ENV: 'test',
    DB_SCHEMA: schema,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ADMIN_PHONE: adminPhone,
    ADMIN_PASSWORD,
    RATE_LIMITS_DISABLED: 'true',
    DB_POOL_MAX: '30',
    ...OVERLOAD_OFF,
    ...env,
  });
  const platform = await createPlatform(config, { log: opts.log ?? createLogger(config.LOG_LEVEL) });
  const app = await buildApp(platform);
  await app.http.ready();

  const api: TestApp['api'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let payload: string | undefined = opts.rawBody;
    if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    } else if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const res = await app.http.inject({ method: method as 'GET', url: path, headers, payload });
    let body: unknown = res.body;
    try {
      body = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      /* non-JSON (e.g. Swagger UI HTML) stays a string */
    }
    return { status: res.statusCode, body: body as any, headers: res.headers as ApiResponse['headers'] };
  };

  const fromAuth = (res: ApiResponse, role: TestUser['role'], phone: string): TestUser => {
    if (res.status >= 300) throw new Error(`auth failed ${res.status}: ${JSON.stringify(res.body)}`);
    const d = res.body.data;
    return { id: d.user.id, phone, role, accessToken: d.accessToken, refreshToken: d.refreshToken };
  };

  const signup: TestApp['signup'] = async (role) => {
    const phone = randomPhone();
    const res = await api('POST', '/api/v1/auth/signup', {
      body: { phone, password: 'password-123', name: `Test ${role}`, role },
    });
    return fromAuth(res, role, phone);
  };

  // One login shared by concurrent callers: parallel logins of one account count toward its lockout.
  let adminLogin: Promise<TestUser> | undefined;
  const admin: TestApp['admin'] = () => {
    adminLogin ??= api('POST', '/api/v1/auth/login', { body: { phone: adminPhone, password: ADMIN_PASSWORD } })
      .then((res) => fromAuth(res, 'admin', adminPhone))
      .catch((err: unknown) => {
        adminLogin = undefined;
        throw err;
      });
    return adminLogin;
  };

  const driver: TestApp['driver'] = async (opts = {}) => {
    const user = await signup('driver');
    const vehicle = {
      make: 'Toyota',
      model: 'Corolla',
      plate: `ABC ${Math.floor(Math.random() * 9000) + 1000}`,
      color: 'white',
    };
    const profile = await api('POST', '/api/v1/drivers/me/profile', {
      token: user.accessToken,
      body: { vehicleClass: opts.vehicleClass ?? 'economy', vehicle },
    });
    if (profile.status !== 201) throw new Error(`profile failed: ${JSON.stringify(profile.body)}`);
    if (opts.approved !== false) {
      const res = await api('POST', `/api/v1/admin/drivers/${user.id}/approve`, { token: (await admin()).accessToken });
      if (res.status !== 200) throw new Error(`approve failed: ${JSON.stringify(res.body)}`);
      if (opts.available !== false)
        await api('POST', '/api/v1/drivers/me/availability', { token: user.accessToken, body: { available: true } });
    }
    return user;
  };

  const count = async (table: string) => {
    const res = await platform.database.pool.query(`SELECT count(*)::int AS n FROM "${schema}"."${table}"`);
    return res.rows[0].n as number;
  };

  // One listen even when many sockets connect at once (a shared promise, not a flag set after the await).
  let listening: Promise<string> | undefined;
  const listen = () => {
    listening ??= app.http
      .listen({ port: 0, host: '127.0.0.1' })
      .then(() => `http://127.0.0.1:${(app.http.server.address() as AddressInfo).port}`);
    return listening;
  };

  const clients = new Set<ClientSocket>();
  const connectSocket: TestApp['connectSocket'] = async (token, opts = {}) => {
    const socket = ioClient(await listen(), {
      transports: ['websocket'],
      auth: token === undefined ? {} : { token },
      reconnection: false,
      forceNew: true,
      ...opts,
    });
    clients.add(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (err) => reject(err));
    });
    return socket;
  };

  const close = async () => {
    for (const socket of clients) socket.disconnect();
    await app.http.close();
    await platform.jobs.stop();
    const pool = platform.database.pool;
    await dropScratchSchema(pool, schema);
    await platform.close();
  };

  return { platform, app, config, schema, api, signup, driver, admin, count, listen, connectSocket, close };
}

/**
 * Another node of the same deployment: its own platform (pool, LISTEN connection, hot state) and app on `t`'s schema.
 */
export async function startSecondNode(t: TestApp): Promise<{ platform: Platform; app: App; close(): Promise<void> }> {
  const platform = await createPlatform(t.config, { log: createLogger(t.config.LOG_LEVEL) });
  const app = await buildApp(platform);
  await app.http.ready();
  return {
    platform,
    app,
    async close() {
      await app.http.close();
      await platform.close();
    },
  };
}
