/**
 * The README's "First trip in five minutes" socket client: signs in over HTTP, connects to Socket.IO as the app
 * does (websocket, `auth: {token}`), prints every server event it receives, one line each, and for a driver given
 * `--at lat,lng` shares that position every few seconds (`driver:location_update`), which keeps the driver visible
 * to matching (presence lapses after 30 s without a position). Also shows the token refresh an app must do.
 *
 *   npx tsx scripts/socket-client.ts --phone +201000000002 --password driver-password-1 --at 30.0444,31.2357
 *
 * Options: --url (default http://localhost:3000), --phone, --password, --at lat,lng (drivers),
 * --until EVENT (exit 0 once EVENT arrived, e.g. trip:completed). Ctrl-C disconnects.
 */
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';

const POSITION_EVERY_MS = 4_000; // under the 30 s presence TTL, over the 2 s coalescing window

const { values: args } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://localhost:3000' },
    phone: { type: 'string' },
    password: { type: 'string' },
    at: { type: 'string' },
    until: { type: 'string' },
  },
});

interface Session {
  accessToken: string;
  refreshToken: string;
  user: { id: string; name: string; role: string };
}

/** POST to the API; the envelope's `data`, or an error naming the API's code. */
async function post<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(`${args.url}/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { data?: T; error?: { code: string; message: string } };
  if (!res.ok) throw new Error(`${path}: ${res.status} ${json.error?.code} ${json.error?.message}`);
  return json.data as T;
}

function print(event: string, payload?: unknown) {
  const time = new Date().toISOString().slice(11, 19);
  process.stdout.write(`${time} ${event}${payload === undefined ? '' : ` ${JSON.stringify(payload)}`}\n`);
}

function parsePosition(at: string | undefined): { lat: number; lng: number } | undefined {
  if (!at) return undefined;
  const [lat, lng] = at.split(',').map(Number);
  if (!Number.isFinite(lat) || !Number.isFinite(lng)) throw new Error('--at takes lat,lng (e.g. 30.0444,31.2357)');
  return { lat: lat!, lng: lng! };
}

async function main() {
  if (!args.phone || !args.password) throw new Error('--phone and --password are required');
  const position = parsePosition(args.at);
  let session = await post<Session>('/auth/login', { phone: args.phone, password: args.password });
  const socket = io(args.url, { transports: ['websocket'], auth: { token: session.accessToken } });
  socket.on('connect', () => print(`connected as ${session.user.role} ${session.user.name}`));
  socket.on('connect_error', (err) => print('connect_error', (err as { data?: unknown }).data ?? err.message));
  socket.onAny((event: string, payload: unknown) => {
    print(event, payload);
    if (event === args.until) socket.disconnect();
  });
  socket.on('disconnect', (reason) => {
    print(`disconnected (${reason})`);
    if (reason === 'io client disconnect') process.exit(0);
  });
  // The access token lives 15 min: swap it before it expires, or the server disconnects the socket.
  socket.on('auth:token_expiring', async () => {
    session = await post<Session>('/auth/refresh', { refreshToken: session.refreshToken });
    socket.auth = { token: session.accessToken };
    socket.emit('auth:refresh', { token: session.accessToken });
  });
  if (position) {
    const share = () => {
      if (!socket.connected) return;
      socket.emit('driver:location_update', { ...position, timestamp: Date.now() }, (ack: { ok: boolean }) => {
        if (!ack.ok) print('driver:location_update refused', ack);
      });
    };
    socket.on('connect', share);
    setInterval(share, POSITION_EVERY_MS);
  }
  process.on('SIGINT', () => socket.disconnect());
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
