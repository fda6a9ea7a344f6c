/** The simulator's HTTP and Socket.IO client: what a rider or driver app does on the wire (API.md). */
import http from 'node:http';
import https from 'node:https';
import { io, type Socket } from 'socket.io-client';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Account {
  id: string;
  phone: string;
  role: 'rider' | 'driver' | 'admin';
}

/** Tokens are refreshed well before the 15 min access-token lifetime, as apps do. */
const REFRESH_AFTER_MS = 10 * 60_000;

/**
 * Real milliseconds of every HTTP call: at high speed, slow answers distort simulated time, so the report shows them.
 */
export const httpLatencyMs: number[] = [];

export async function request<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown } = {},
): Promise<T> {
  const started = performance.now();
  try {
    return await send<T>(baseUrl, method, path, opts);
  } finally {
    httpLatencyMs.push(performance.now() - started);
  }
}

// Own keep-alive agents (not fetch's global pool) so a finished run can drop its connections and exit at once.
const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

export function closeConnections(): void {
  agents['http:'].destroy();
  agents['https:'].destroy();
}

function send<T>(baseUrl: string, method: string, path: string, opts: { token?: string; body?: unknown }): Promise<T> {
  const url = new URL(`${baseUrl}${path}`);
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise<T>((resolve, reject) => {
    const req = lib.request(url, { method, headers, agent: agents[url.protocol as 'http:' | 'https:'] }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('error', reject);
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        let json: { success?: boolean; data?: T; error?: { code: string; message: string } } = {};
        try {
          json = text ? JSON.parse(text) : {};
        } catch {
          // a non-JSON answer (a proxy's error page) is reported by status below
        }
        if (status >= 400 || json.success === false) {
          reject(
            new ApiError(
              status,
              json.error?.code ?? 'HTTP_ERROR',
              `${method} ${path}: ${status} ${json.error?.message ?? ''}`,
            ),
          );
        } else resolve(json.data as T);
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A signed-in user: calls carry the access token, which is renewed with the refresh token when old. */
export class Session {
  private issuedAt = Date.now();
  private refreshing: Promise<void> | undefined;
  socket: Socket | undefined;

  constructor(
    readonly baseUrl: string,
    readonly account: Account,
    private accessToken: string,
    private refreshToken: string,
  ) {}

  static async signup(
    baseUrl: string,
    body: { phone: string; password: string; name: string; role: 'rider' | 'driver' },
  ): Promise<Session> {
    const data = await request(baseUrl, 'POST', '/api/v1/auth/signup', { body });
    return new Session(baseUrl, data.user, data.accessToken, data.refreshToken);
  }

  static async login(baseUrl: string, body: { phone: string; password: string }): Promise<Session> {
    const data = await request(baseUrl, 'POST', '/api/v1/auth/login', { body });
    return new Session(baseUrl, data.user, data.accessToken, data.refreshToken);
  }

  get id(): string {
    return this.account.id;
  }

  async call<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    if (Date.now() - this.issuedAt > REFRESH_AFTER_MS) await this.refresh();
    return request<T>(this.baseUrl, method, path, { token: this.accessToken, body });
  }

  private refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      const data = await request(this.baseUrl, 'POST', '/api/v1/auth/refresh', {
        body: { refreshToken: this.refreshToken },
      });
      this.accessToken = data.accessToken;
      this.refreshToken = data.refreshToken;
      this.issuedAt = Date.now();
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** Connects the app's socket; answers `auth:token_expiring` with a fresh token like a real app. */
  async connect(): Promise<Socket> {
    const socket = io(this.baseUrl, {
      transports: ['websocket'],
      auth: { token: this.accessToken },
      reconnection: true,
      forceNew: true,
    });
    socket.on('auth:token_expiring', () => {
      void this.refresh().then(() => socket.emit('auth:refresh', { token: this.accessToken }, () => {}));
    });
    // A reconnect must present the current token, not the one it first connected with.
    socket.io.on('reconnect_attempt', () => (socket.auth = { token: this.accessToken }));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (err) => reject(err));
    });
    this.socket = socket;
    return socket;
  }

  /** Emits a client event and waits for its ack (`{ok, data}` or `{ok:false, error}`). */
  emit<T = any>(event: string, payload: unknown, timeoutMs = 5_000): Promise<T> {
    const socket = this.socket;
    if (!socket) return Promise.reject(new Error('socket not connected'));
    return socket
      .timeout(timeoutMs)
      .emitWithAck(event, payload)
      .then((ack: { ok: boolean; data?: T; error?: { code: string; message: string } }) => {
        if (!ack.ok) throw new ApiError(0, ack.error?.code ?? 'SOCKET_ERROR', `${event}: ${ack.error?.message ?? ''}`);
        return ack.data as T;
      });
  }

  close(): void {
    this.socket?.disconnect();
  }
}
