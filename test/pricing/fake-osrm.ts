import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type OsrmMode = 'ok' | 'hang' | 'error' | 'no_route';

/** A local OSRM-compatible router: `/route/v1/driving/lng,lat;lng,lat` → fixed distance/duration. */
export interface FakeOsrm {
  url: string;
  hits: number;
  mode: OsrmMode;
  route: { distance: number; duration: number };
  lastPath: string | undefined;
  close(): Promise<void>;
}

export async function startFakeOsrm(
  opts: { mode?: OsrmMode; distance?: number; duration?: number } = {},
): Promise<FakeOsrm> {
  const hanging = new Set<ServerResponse>();
  const fake: FakeOsrm = {
    url: '',
    hits: 0,
    mode: opts.mode ?? 'ok',
    route: { distance: opts.distance ?? 10_000, duration: opts.duration ?? 1_200 },
    lastPath: undefined,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((req, res) => {
    fake.hits++;
    fake.lastPath = req.url;
    if (fake.mode === 'hang') {
      hanging.add(res);
      return;
    }
    if (fake.mode === 'error') {
      res.writeHead(500).end('boom');
      return;
    }
    const body =
      fake.mode === 'no_route'
        ? { code: 'NoRoute', routes: [] }
        : {
            code: 'Ok',
            routes: [{ distance: fake.route.distance, duration: fake.route.duration, legs: [] }],
            waypoints: [],
          };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
