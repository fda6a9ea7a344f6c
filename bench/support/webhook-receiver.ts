/**
 * A webhook receiver in its own process (bench:webhooks): the integrator's
 * server is not SmartLine, so its CPU must not be charged to the sender's
 * process. `ok` answers 200 to every POST once its body is read; `hang`
 * reads the body and never answers. Prints its URL on the first stdout line.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { lowerOwnPriority } from '../../src/platform/jobs/worker-priority.js';

// An integrator's server runs on its own machine; on this shared box it yields the CPU to what is measured.
if (process.env.RECEIVER_NICE) lowerOwnPriority(Number(process.env.RECEIVER_NICE));

const hang = process.argv[2] === 'hang';
const server = http.createServer((req, res) => {
  req.resume();
  if (!hang) req.on('end', () => res.writeHead(200).end('ok'));
});
server.keepAliveTimeout = 30_000; // the sender keeps connections alive; do not drop them under it mid-run
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks\n`);
});
process.on('disconnect', () => process.exit(0));
