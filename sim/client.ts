/** The simulator's HTTP and Socket.IO client: what a rider or driver app does on the wire (API.md). */
import http from 'node:http';
import https from 'node:https';
import { io, type Socket } from 'socket.io-client';
import {
  createSmartLineClient,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type SmartLineClient,
} from '../clients/typescript/index.js';

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

/** Every client event's ack, as the AsyncAPI document describes it. */
type AckReply = { ok: boolean; data?: unknown; error?: { code?: string; message?: string } };

/** Tokens are refreshed well before the 15 min access-token lifetime, as apps do. */
const REFRESH_AFTER_MS = 10 * 60_000;

/**
 * Real milliseconds of every HTTP call: at high speed, slow answers distort simulated time, so the report shows them.
 */
export const httpLatencyMs: number[] = [];

// Own keep-alive agents (not fetch's global pool) so a finished run can drop its connections and exit at once.
const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

export function closeConnections(): void {
  agents['http:'].destroy();
  agents['https:'].destroy();
}

/** The `fetch` the typed client runs on: node's http over the run's agents, timed for the report. */
async function agentFetch(input: Request): Promise<Response> {
  const url = new URL(input.url);
  const body = input.body ? Buffer.from(await input.arrayBuffer()) : undefined;
  const lib = url.protocol === 'https:' ? https : http;
  const started = performance.now();
  return new Promise<Response>((resolve, reject) => {
    const headers = Object.fromEntries(input.headers);
    const agent = agents[url.protocol as 'http:' | 'https:'];
    const req = lib.request(url, { method: input.method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        httpLatencyMs.push(performance.now() - started);
        const status = res.statusCode ?? 0;
        const text = status === 204 ? null : Buffer.concat(chunks);
        resolve(new Response(text, { status, headers: { 'content-type': res.headers['content-type'] ?? '' } }));
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** What every typed call resolves to: the envelope on success, the error envelope otherwise. */
interface Answer<D> {
  data?: D;
  error?: unknown;
  response: Response;
}

/** The envelope's `data` of a successful call; an error answer (or a non-JSON one) becomes an ApiError. */
export async function unwrap<D extends { data: unknown }>(call: Promise<Answer<D>>): Promise<D['data']> {
  const { data, error, response } = await call;
  if (data !== undefined) return data.data;
  if (response.ok) return undefined as D['data'];
  const failure = (error ?? {}) as { error?: { code?: string; message?: string } };
  const path = new URL(response.url || 'http://sim/').pathname;
  throw new ApiError(
    response.status,
    failure.error?.code ?? 'HTTP_ERROR',
    `${path}: ${response.status} ${failure.error?.message ?? ''}`,
  );
}

/** A client for `baseUrl`; `accessToken` is read on each request. */
export function apiClient(baseUrl: string, accessToken?: () => Promise<string | undefined>): SmartLineClient {
  const client = createSmartLineClient(baseUrl, { fetch: agentFetch });
  if (accessToken)
    client.use({
      async onRequest({ request }) {
        const token = await accessToken();
        if (token) request.headers.set('authorization', `Bearer ${token}`);
        return request;
      },
    });
  return client;
}

/** A signed-in user: calls carry the access token, which is renewed with the refresh token when old. */
export class Session {
  private issuedAt = Date.now();
  private refreshing: Promise<void> | undefined;
  socket: Socket<ServerToClientEvents, ClientToServerEvents> | undefined;
  /** The typed client, signed in as this user (the token is renewed before it gets old). */
  readonly api: SmartLineClient;

  constructor(
    readonly baseUrl: string,
    readonly account: Account,
    private accessToken: string,
    private refreshToken: string,
  ) {
    this.api = apiClient(baseUrl, async () => {
      if (Date.now() - this.issuedAt > REFRESH_AFTER_MS) await this.refresh();
      return this.accessToken;
    });
  }

  static async signup(
    baseUrl: string,
    body: { phone: string; password: string; name: string; role: 'rider' | 'driver' },
  ): Promise<Session> {
    const data = await unwrap(apiClient(baseUrl).POST('/api/v1/auth/signup', { body }));
    return new Session(baseUrl, data.user, data.accessToken, data.refreshToken);
  }

  static async login(baseUrl: string, body: { phone: string; password: string }): Promise<Session> {
    const data = await unwrap(apiClient(baseUrl).POST('/api/v1/auth/login', { body }));
    return new Session(baseUrl, data.user, data.accessToken, data.refreshToken);
  }

  get id(): string {
    return this.account.id;
  }

  private refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      const body = { refreshToken: this.refreshToken };
      const data = await unwrap(apiClient(this.baseUrl).POST('/api/v1/auth/refresh', { body }));
      this.accessToken = data.accessToken;
      this.refreshToken = data.refreshToken;
      this.issuedAt = Date.now();
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** Connects the app's socket; answers `auth:token_expiring` with a fresh token like a real app. */
  async connect(): Promise<Socket<ServerToClientEvents, ClientToServerEvents>> {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(this.baseUrl, {
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
  async emit<E extends keyof ClientToServerEvents>(
    event: E,
    payload: Parameters<ClientToServerEvents[E]>[0],
    timeoutMs = 5_000,
  ): Promise<unknown> {
    const socket = this.socket;
    if (!socket) throw new Error('socket not connected');
    const emitWithAck = socket.timeout(timeoutMs).emitWithAck as (e: E, p: unknown) => Promise<AckReply>;
    const ack = await emitWithAck.call(socket.timeout(timeoutMs), event, payload);
    if (!ack.ok) throw new ApiError(0, ack.error?.code ?? 'SOCKET_ERROR', `${event}: ${ack.error?.message ?? ''}`);
    return ack.data;
  }

  close(): void {
    this.socket?.disconnect();
  }
}
