/**
 * The local cluster's load balancer (`npm run cluster`): what HAProxy does in docker-compose.yml, in one process.
 * Round robin over the API nodes whose /health/ready answers 200, HTTP and websocket upgrades alike (Socket.IO
 * runs websocket-only, so no sticky sessions are needed). Proxying is http-proxy-3's.
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { createProxyServer } from 'http-proxy-3';

/** HAProxy's `inter 2s` in deploy/haproxy/haproxy.cfg: a dead node leaves the rotation within this. */
const HEALTH_EVERY_MS = 2_000;
const HEALTH_TIMEOUT_MS = 1_500;

export interface Balancer {
  url: string;
  /** Nodes now in the rotation. */
  ready(): string[];
  close(): Promise<void>;
}

/** The API's error envelope (docs/api.md), so a client sees the same shape as from a node. */
function unavailable(res: http.ServerResponse, message: string) {
  if (res.headersSent) return void res.destroy();
  res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
  const meta = { requestId: randomUUID(), timestamp: new Date().toISOString() };
  res.end(JSON.stringify({ success: false, error: { code: 'SERVICE_UNAVAILABLE', message }, meta }));
}

async function isReady(target: string): Promise<boolean> {
  try {
    const res = await fetch(`${target}/health/ready`, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

export async function startBalancer(opts: { port: number; host: string; targets: string[] }): Promise<Balancer> {
  const healthy = new Set<string>();
  const check = async () => {
    await Promise.all(opts.targets.map(async (t) => void ((await isReady(t)) ? healthy.add(t) : healthy.delete(t))));
  };
  let turn = 0;
  const pick = (): string | undefined => {
    const rotation = opts.targets.filter((t) => healthy.has(t));
    return rotation.length ? rotation[turn++ % rotation.length] : undefined;
  };

  const proxy = createProxyServer({ xfwd: true });
  proxy.on('error', (_err, _req, res) => {
    if (res instanceof http.ServerResponse) unavailable(res, 'the API node did not answer');
    else (res as Duplex).destroy();
  });
  const upgraded = new Set<Duplex>();
  const server = http.createServer((req, res) => {
    const target = pick();
    if (!target) return unavailable(res, 'no API node is ready');
    proxy.web(req, res, { target });
  });
  server.on('upgrade', (req, socket: Duplex, head: Buffer) => {
    const target = pick();
    if (!target) return void socket.destroy();
    upgraded.add(socket.once('close', () => upgraded.delete(socket)));
    proxy.ws(req, socket, head, { target });
  });

  await check();
  const timer = setInterval(() => void check(), HEALTH_EVERY_MS);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://localhost:${port}`,
    ready: () => opts.targets.filter((t) => healthy.has(t)),
    async close() {
      clearInterval(timer);
      for (const socket of upgraded) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      proxy.close();
    },
  };
}
