import pg from 'pg';
import type { Config } from '../config.js';
import { startEmbeddedPostgres } from '../platform/db/embedded.js';

export interface Target {
  url: string;
  /** For the operator: which server this command talks to. */
  description: string;
  release(): Promise<void>;
}

// Same credentials as src/platform/db/embedded.ts uses for the embedded server.
const embeddedUrl = (port: number) => `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * DATABASE_URL when set; otherwise the embedded Postgres: the one already
 * running for `npm start` if there is one, else started for this command only.
 */
export async function resolveTarget(config: Config): Promise<Target> {
  if (config.DATABASE_URL) {
    const u = new URL(config.DATABASE_URL);
    return {
      url: config.DATABASE_URL,
      description: `external Postgres ${u.hostname}:${u.port || 5432}${u.pathname}`,
      release: async () => {},
    };
  }
  const url = embeddedUrl(config.EMBEDDED_PG_PORT);
  if (await reachable(url))
    return {
      url,
      description: `running embedded Postgres on port ${config.EMBEDDED_PG_PORT}`,
      release: async () => {},
    };
  const handle = await startEmbeddedPostgres({ dir: config.EMBEDDED_PG_DIR, port: config.EMBEDDED_PG_PORT });
  return {
    url: handle.url,
    description: `embedded Postgres in ${config.EMBEDDED_PG_DIR} (started for this command)`,
    release: () => handle.stop(),
  };
}
