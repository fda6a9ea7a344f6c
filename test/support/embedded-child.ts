/**
 * A node that starts an embedded Postgres and waits to be killed, for the
 * supervision suite's "crashed run" case: `node --import tsx embedded-child.ts <dir> <port>`.
 * Prints `ready` once Postgres accepts connections.
 */
import { startEmbeddedPostgres } from '../../src/platform/db/embedded.js';

const [dir, port] = process.argv.slice(2);
await startEmbeddedPostgres({ dir: dir!, port: Number(port) });
process.stdout.write('ready\n');
setInterval(() => {}, 60_000);
