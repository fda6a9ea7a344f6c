/**
 * A provider's roadside job (issue 18), from the accepted `request:offer` to `completed`: drive to the breakdown
 * (the agent streams `mechanic:location_update` meanwhile), arrive, quote the work, wait for the customer's
 * approval, work (a tow drives the car to its destination), upload a proof photo and complete with the
 * customer's completion code.
 */
import sharp from 'sharp';
import { unwrap, type Session } from './client.js';
import type { SimClock } from './clock.js';
import type { Point } from './geo.js';
import type { Rng } from './random.js';
import type { OtpBoard } from './rider-agent.js';
import type { Stats } from './stats.js';

export interface RequestOffer {
  requestId: string;
  serviceType: string;
  location: Point;
  expiresAt: string;
}

/** What the job needs of the driver agent that took it. */
export interface JobHost {
  readonly id: string;
  readonly session: Session;
  readonly clock: SimClock;
  readonly stats: Stats;
  readonly board: OtpBoard;
  readonly rng: Rng;
  /** Longest on-site work, simulated seconds (the shortest is a quarter of it). */
  readonly workS: number;
  /** Straight-line drive; false if the clock stopped or the job was cancelled on the way. */
  drive(to: Point, jobId: string): Promise<boolean>;
}

/** The customer tells the provider on site: the quote is approved, and (at the end) the completion code. */
export const approvalKey = (requestId: string) => `quote-approved:${requestId}`;
export const completionCodeKey = (requestId: string) => `completion-code:${requestId}`;

/** How long a provider waits on site for the customer's approval or code (simulated ms). */
const CUSTOMER_WAIT_MS = 180_000;

type QuoteLine = { kind: 'labour' | 'part'; label: string; qty: number; unitAmount: number };
/** The work quote per service type (piastres). */
const WORK: Record<string, QuoteLine[]> = {
  battery: [{ kind: 'labour', label: 'Jump start', qty: 1, unitAmount: 10_000 }],
  tyre: [{ kind: 'labour', label: 'Fit the spare wheel', qty: 1, unitAmount: 15_000 }],
  fuel: [
    { kind: 'labour', label: 'Fuel delivery', qty: 1, unitAmount: 5_000 },
    { kind: 'part', label: 'Petrol 92, litre', qty: 10, unitAmount: 1_375 },
  ],
  lockout: [{ kind: 'labour', label: 'Open the car', qty: 1, unitAmount: 20_000 }],
  mechanic: [
    { kind: 'labour', label: 'Diagnosis and repair', qty: 1, unitAmount: 30_000 },
    { kind: 'part', label: 'Fan belt', qty: 1, unitAmount: 25_000 },
  ],
  tow: [{ kind: 'labour', label: 'Load and secure the car', qty: 1, unitAmount: 10_000 }],
};

/** A small photo of the work, made once per process (the server re-encodes it and strips metadata). */
let proofPhoto: Promise<Buffer> | undefined;
function photoOfTheWork(): Promise<Buffer> {
  proofPhoto ??= sharp({ create: { width: 160, height: 120, channels: 3, background: { r: 90, g: 110, b: 130 } } })
    .jpeg({ quality: 70 })
    .toBuffer();
  return proofPhoto;
}

type WorkStatus = 'en_route' | 'arrived' | 'in_progress' | 'completed';

export class RoadsideJob {
  private readonly params: { path: { id: string } };

  constructor(
    private readonly host: JobHost,
    private readonly offer: RequestOffer,
  ) {
    this.params = { path: { id: offer.requestId } };
  }

  /** The accepted job to its end; the provider is counted busy throughout. */
  async work(): Promise<void> {
    const { stats, clock, id } = this.host;
    const requestId = this.offer.requestId;
    stats.occupied(id, clock.now());
    stats.roadside.assigned(requestId, clock.now());
    try {
      const view = await unwrap(this.host.session.api.GET('/api/v1/service-requests/{id}', { params: this.params }));
      await this.step('en_route');
      if (!(await this.host.drive(view.location, requestId))) return;
      await this.step('arrived');
      stats.roadside.arrived(requestId, clock.now());
      if (!(await this.agreeOnTheWork(view.serviceType))) return;
      if (!(await this.doTheWork(view.destination))) return;
      await this.complete();
    } finally {
      stats.freed(id, clock.now());
    }
  }

  private step(status: WorkStatus, code?: string) {
    const body = { status, ...(code ? { code } : {}) };
    return unwrap(this.host.session.api.POST('/api/v1/service-requests/{id}/status', { params: this.params, body }));
  }

  /** Quote on site, then wait for the customer to approve it in their app. */
  private async agreeOnTheWork(serviceType: string): Promise<boolean> {
    const { session, board, clock, stats } = this.host;
    const body = { items: WORK[serviceType] ?? WORK.mechanic! };
    await unwrap(session.api.POST('/api/v1/service-requests/{id}/quote', { params: this.params, body }));
    if (await board.take(approvalKey(this.offer.requestId), clock, CUSTOMER_WAIT_MS)) return true;
    if (!clock.stopped) stats.error('roadside:no_quote_approval');
    return false;
  }

  /** The work itself; a tow drives the car (and the provider) to the destination. */
  private async doTheWork(destination: Point | null): Promise<boolean> {
    const { clock, rng, workS } = this.host;
    await this.step('in_progress');
    if (!(await clock.sleep(rng.uniform(250, 1000) * workS))) return false;
    return destination ? this.host.drive(destination, this.offer.requestId) : true;
  }

  /** Proof photo, then `completed` with the code the customer reads out. */
  private async complete(): Promise<void> {
    const { session, board, clock, stats } = this.host;
    const form = new FormData();
    form.append('photos', new Blob([new Uint8Array(await photoOfTheWork())], { type: 'image/jpeg' }), 'work.jpg');
    // The OpenAPI document has no schema for the multipart body; openapi-fetch sends FormData as it is.
    const upload = { params: this.params, body: form } as never;
    await unwrap(session.api.POST('/api/v1/service-requests/{id}/proof', upload));
    const code = await board.take(completionCodeKey(this.offer.requestId), clock, CUSTOMER_WAIT_MS);
    if (!code) {
      if (!clock.stopped) stats.error('roadside:no_completion_code');
      return;
    }
    await this.step('completed', code);
    stats.roadside.ended(this.offer.requestId, 'completed');
  }
}
