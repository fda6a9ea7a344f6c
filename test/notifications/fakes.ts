/** Local stand-ins for the messaging providers (not a test file itself). */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * A fake HTTP provider (FCM v1 or Twilio-style REST): records every request
 * and answers per `mode` — ok (2xx with a provider id), fail (500),
 * reject (400, a permanent refusal), hang (never answers), or FCM v1's own
 * error bodies: unregistered (404 UNREGISTERED: the app is gone),
 * bad-token (400 INVALID_ARGUMENT blaming the token), bad-payload (400
 * INVALID_ARGUMENT blaming the message). `goneTokens` answer UNREGISTERED
 * whatever the mode.
 */
export class FakeHttpProvider {
  readonly requests: RecordedRequest[] = [];
  mode: 'ok' | 'fail' | 'reject' | 'hang' | 'unregistered' | 'bad-token' | 'bad-payload' = 'ok';
  readonly goneTokens = new Set<string>();
  private readonly sockets = new Set<Socket>();
  url = '';
  private readonly server: Server;

  private constructor() {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  static async start(): Promise<FakeHttpProvider> {
    const self = new FakeHttpProvider();
    await new Promise<void>((resolve) => self.server.listen(0, '127.0.0.1', resolve));
    self.url = `http://127.0.0.1:${(self.server.address() as { port: number }).port}`;
    return self;
  }

  /** FCM v1 error envelopes, as https://firebase.google.com/docs/reference/fcm/rest/v1/ErrorCode documents them. */
  private fcmError(body: string): { code: number; json: unknown } | undefined {
    const token = (() => {
      try {
        return (JSON.parse(body) as { message?: { token?: string } }).message?.token;
      } catch {
        return undefined;
      }
    })();
    const error = (code: number, status: string, message: string, errorCode: string) => ({
      code,
      json: {
        error: {
          code,
          message,
          status,
          details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode }],
        },
      },
    });
    if (this.mode === 'unregistered' || (token && this.goneTokens.has(token)))
      return error(404, 'NOT_FOUND', 'Requested entity was not found.', 'UNREGISTERED');
    if (this.mode === 'bad-token')
      return error(
        400,
        'INVALID_ARGUMENT',
        'The registration token is not a valid FCM registration token',
        'INVALID_ARGUMENT',
      );
    if (this.mode === 'bad-payload')
      return error(400, 'INVALID_ARGUMENT', "Invalid value at 'message.data[0].value'", 'INVALID_ARGUMENT');
    return undefined;
  }

  private handle(req: IncomingMessage, res: ServerResponse) {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (this.mode === 'hang') return;
      const fcm = this.fcmError(body);
      if (fcm)
        return void res.writeHead(fcm.code, { 'content-type': 'application/json' }).end(JSON.stringify(fcm.json));
      if (this.mode === 'fail')
        return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"provider down"}');
      if (this.mode === 'reject')
        return void res
          .writeHead(400, { 'content-type': 'application/json' })
          .end('{"code":21211,"message":"invalid To"}');
      const url = req.url ?? '';
      const answer = url.endsWith('/Messages.json')
        ? { sid: `SM${this.requests.length}`, status: 'queued' }
        : url.endsWith('/Calls.json')
          ? { sid: `CA${this.requests.length}`, status: 'queued' }
          : { name: `projects/p/messages/${this.requests.length}` };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  }

  async close() {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface ReceivedMail {
  from: string;
  to: string[];
  data: string;
}

/** An in-process SMTP server (smtp-server) that keeps what arrives; `failWith` makes it answer an SMTP error. */
export class FakeSmtp {
  readonly received: ReceivedMail[] = [];
  failWith: { code: number; message: string } | null = null;
  url = '';
  private readonly server: SMTPServer;

  private constructor() {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the SMTP callbacks need the instance
    const self = this;
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (self.failWith) {
            const err = Object.assign(new Error(self.failWith.message), { responseCode: self.failWith.code });
            return callback(err);
          }
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          self.received.push({
            from,
            to: session.envelope.rcptTo.map((r) => r.address),
            data: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
  }

  static async start(): Promise<FakeSmtp> {
    const self = new FakeSmtp();
    await new Promise<void>((resolve) => self.server.listen(0, '127.0.0.1', () => resolve()));
    self.url = `smtp://127.0.0.1:${(self.server.server.address() as { port: number }).port}`;
    return self;
  }

  async close() {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Polls `check` until it returns something truthy or the deadline passes. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 10_000,
  stepMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
