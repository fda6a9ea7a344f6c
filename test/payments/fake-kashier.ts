/**
 * A local stand-in for Kashier, written from shared/PROVIDERS.md and NOT from
 * our adapter (it signs with node's querystring, not our code): its hosted
 * page checks the order hash we put in the payment URL, and a "payment" POSTs
 * a signed webhook to the app like Kashier's servers would.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stringify } from 'node:querystring';

export const KASHIER_TEST_ENV = {
  KASHIER_MERCHANT_ID: 'MID-test-42',
  KASHIER_API_KEY: 'current-kashier-key-0123456789',
  KASHIER_API_KEY_PREVIOUS: 'previous-kashier-key-0123456789',
};

const SIGNED_KEYS = ['amount', 'currency', 'merchantOrderId', 'orderId', 'orderReference', 'status', 'transactionId'];

export interface WebhookData extends Record<string, unknown> {
  transactionId: string;
  merchantOrderId: string;
  amount: string;
  currency: string;
  status: string;
}

export interface Delivery {
  status: number;
  body: any;
}

export class FakeKashier {
  /** Kashier posts here (the URL configured in its dashboard): set once the app listens. */
  webhookUrl = '';
  readonly orders = new Map<string, { amount: string; currency: string }>();
  /** Refund calls received (Kashier's order id, the body we sent, the Authorization header). */
  readonly refunds: Array<{ orderId: string; body: any; authorization: string | undefined }> = [];
  /** How the refund endpoint answers next: 'ok', 'refuse' (200 with FAILURE) or 'down' (HTTP 503). */
  refundMode: 'ok' | 'refuse' | 'down' = 'ok';
  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly apiKey: string,
    private readonly merchantId: string,
  ) {}

  static async start(opts: { apiKey: string; merchantId: string }): Promise<FakeKashier> {
    const ref: { self?: FakeKashier } = {};
    const server = createServer((req, res) => {
      if (req.method === 'PUT') return void ref.self!.handleRefund(req, res);
      void ref
        .self!.handlePage(new URL(req.url ?? '/', 'http://fake'), req.headers['x-test-outcome'])
        .then(({ status, headers, body }) => {
          res.writeHead(status, headers);
          res.end(body);
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    ref.self = new FakeKashier(server, `http://127.0.0.1:${port}/`, opts.apiKey, opts.merchantId);
    return ref.self;
  }

  close() {
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** `PUT /orders/{orderId}/?operation=refund` with `{apiOperation: "REFUND", transaction: {amount}}`. */
  private async handleRefund(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const orderId = decodeURIComponent(/^\/orders\/([^/]+)\/?$/.exec(url.pathname)?.[1] ?? '');
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    this.refunds.push({ orderId, body, authorization: req.headers.authorization });
    const answer = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (this.refundMode === 'down') return answer(503, { error: 'unavailable' });
    if (
      url.searchParams.get('operation') !== 'refund' ||
      body.apiOperation !== 'REFUND' ||
      req.headers.authorization !== this.apiKey
    )
      return answer(400, { status: 'FAILURE', messages: { en: 'bad refund request' } });
    const status = this.refundMode === 'refuse' ? 'FAILURE' : 'SUCCESS';
    return answer(200, { status, response: { status, transactionId: `RF-${randomUUID()}`, orderId } });
  }

  /** The hosted page: refuses a bad order hash; otherwise "the payer pays" and Kashier sends the webhook. */
  private async handlePage(url: URL, outcome: string | string[] | undefined) {
    const p = Object.fromEntries(url.searchParams);
    const expected = createHmac('sha256', this.apiKey)
      .update(`/?payment=${p.merchantId}.${p.orderId}.${p.amount}.${p.currency}`)
      .digest('hex');
    if (p.merchantId !== this.merchantId || p.hash !== expected)
      return { status: 400, headers: {}, body: 'invalid order hash' };
    this.orders.set(p.orderId!, { amount: p.amount!, currency: p.currency! });
    const data = this.paymentData({
      merchantOrderId: p.orderId!,
      amount: p.amount!,
      currency: p.currency!,
      status: outcome === 'FAILURE' ? 'FAILURE' : 'SUCCESS',
    });
    const delivery = await this.deliver(data);
    const back = new URL(p.merchantRedirect!);
    back.searchParams.set('paymentStatus', data.status);
    back.searchParams.set('merchantOrderId', data.merchantOrderId);
    return {
      status: 302,
      headers: {
        location: back.toString(),
        'x-transaction-id': data.transactionId,
        'x-webhook-status': String(delivery.status),
      },
      body: '',
    };
  }

  paymentData(
    fields: Pick<WebhookData, 'merchantOrderId' | 'amount' | 'currency' | 'status'> & Partial<WebhookData>,
  ): WebhookData {
    return {
      transactionId: `TX-${randomUUID()}`,
      orderId: `KO-${randomUUID().slice(0, 8)}`,
      orderReference: `REF-${randomUUID().slice(0, 8)}`,
      method: 'card',
      creationDate: new Date().toISOString(),
      signatureKeys: SIGNED_KEYS,
      ...fields,
    };
  }

  sign(data: Record<string, unknown>, key = this.apiKey): string {
    const keys = [...(data.signatureKeys as string[])].sort();
    const picked = Object.fromEntries(keys.map((k) => [k, String(data[k] ?? '')]));
    return createHmac('sha256', key).update(stringify(picked)).digest('hex');
  }

  /** POSTs one webhook to the app over real HTTP. */
  async deliver(
    data: Record<string, unknown>,
    opts: { signature?: string | null; key?: string; event?: string } = {},
  ): Promise<Delivery> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const signature = opts.signature === undefined ? this.sign(data, opts.key) : opts.signature;
    if (signature !== null) headers['x-kashier-signature'] = signature;
    const res = await fetch(this.webhookUrl, {
      method: 'POST',
      headers,
      body: JSON.stringify({ event: opts.event ?? 'pay', data }),
    });
    return { status: res.status, body: await res.json() };
  }

  /** The payer opens our payment URL and pays (or fails); returns Kashier's transaction id. */
  async pay(paymentUrl: string, outcome: 'SUCCESS' | 'FAILURE' = 'SUCCESS') {
    const res = await fetch(paymentUrl, { redirect: 'manual', headers: { 'x-test-outcome': outcome } });
    return {
      status: res.status,
      transactionId: res.headers.get('x-transaction-id'),
      webhookStatus: Number(res.headers.get('x-webhook-status')),
      location: res.headers.get('location'),
    };
  }
}
