/** A local webhook receiver (node:http) for the webhook suites: records what arrives, answers as told. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: Record<string, string>;
  body: string;
  status: number;
}

export type ReceiverMode = 'ok' | 'down' | 'gone' | 'hang';

export class Receiver {
  readonly received: Received[] = [];
  /** Requests that arrived, answered or not (a hanging receiver never records them in `received`). */
  arrivals = 0;
  mode: ReceiverMode = 'ok';
  private constructor(private readonly server: http.Server) {}

  /** Every receiver not closed yet, so a suite's `after` closes those a failed test left open. */
  static readonly open = new Set<Receiver>();

  static async start(): Promise<Receiver> {
    const receiver: Receiver = new Receiver(http.createServer((req, res) => receiver.handle(req, res)));
    Receiver.open.add(receiver);
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url() {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    this.arrivals++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (this.mode === 'hang') return; // never answers
      const status = this.mode === 'ok' ? 200 : this.mode === 'gone' ? 410 : 500;
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      this.received.push({ headers, body: Buffer.concat(chunks).toString('utf8'), status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'thanks' : 'nope');
    });
  }

  /** Messages acknowledged with a 2xx, parsed. */
  acked() {
    return this.received.filter((r) => r.status === 200).map((r) => ({ ...r, message: JSON.parse(r.body) }));
  }

  static async closeAll() {
    await Promise.all([...Receiver.open].map((r) => r.close()));
  }

  async close() {
    Receiver.open.delete(this);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
