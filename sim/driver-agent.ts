/**
 * A driver app: streams its position over the socket, answers `trip:offer`
 * after a human reaction time (sometimes declining), then drives to the
 * pickup, waits for the rider's OTP, drives to the dropoff and completes.
 * A driver whose roadside capabilities were approved also answers
 * `request:offer` the same way and works the job (sim/roadside-job.ts).
 */
import { ApiError, unwrap, type Session } from './client.js';
import type { SimClock } from './clock.js';
import { along, haversineM, headingDeg, type Point } from './geo.js';
import type { Rng } from './random.js';
import type { OtpBoard } from './rider-agent.js';
import type { Stats } from './stats.js';
import type { FaultSettings } from './faults.js';
import { RoadsideJob, type RequestOffer } from './roadside-job.js';

export interface DriverBehaviour {
  declineProb: number;
  /** Chance a driver gives up on the way to the pickup (cancels the accepted trip). */
  driverCancelProb: number;
  /** Straight-line driving speed. */
  kmh: number;
  /** Position report every this many simulated seconds (never closer than 2 real seconds: the server coalesces). */
  locationEveryS: number;
  /** Longest wait at the pickup for the rider to get in (the shortest is a quarter of it). */
  boardingS: number;
  /** Longest on-site work of a roadside job, simulated seconds (the shortest is a quarter of it). */
  serviceWorkS: number;
}

type OfferCounts = Stats['offers'];

interface Offer {
  tripId: string;
  pickup: Point;
  dropoff: Point;
  expiresAt: string;
}

interface Leg {
  from: Point;
  to: Point;
  startMs: number;
  durationMs: number;
}

/** DESIGN: a driver rests 60 s after a trip; the server counts it in real time, the simulator in simulated time. */
const REST_MS = 60_000;
/** The server drops a fix < 2 s (by timestamp) after the last one. */
const MIN_REAL_GAP_MS = 2_100;
const OTP_WAIT_MS = 180_000;
/** A spoofed jump: half a degree of longitude east (≈ 48 km in Cairo), a few seconds after a real fix. */
const JUMP_DEG = 0.5;
/** A noisy fix: accuracy well past the server's 100 m bound. */
const NOISY_ACCURACY_M = 250;

export class DriverAgent {
  private parked: Point;
  private leg: Leg | undefined;
  private state: 'idle' | 'deciding' | 'on_trip' | 'resting' | 'gone' = 'idle';
  private cancelled = new Set<string>();
  /** On a roadside job: positions go out as `mechanic:location_update` (the customer gets `request:eta_update`). */
  private onRoadsideJob = false;
  /** Vanished (`--faults`): socket closed, no positions, no answers, for the rest of the run. */
  private gone = false;

  constructor(
    private readonly session: Session,
    private readonly deps: {
      clock: SimClock;
      stats: Stats;
      board: OtpBoard;
      rng: Rng;
      behaviour: DriverBehaviour;
      /** `--faults` runs only. */
      faults?: FaultSettings & { spoofer: boolean };
    },
    start: Point,
  ) {
    this.parked = start;
    if (deps.faults?.spoofer) deps.stats.faults.spoofers.add(session.id);
  }

  get id(): string {
    return this.session.id;
  }

  private get clock() {
    return this.deps.clock;
  }

  /** Socket up, first fix sent, available: from here on dispatch may offer trips. */
  async goOnline(): Promise<void> {
    const socket = await this.session.connect();
    socket.on('trip:offer', (offer: Offer) => void this.onOffer(offer));
    socket.on('trip:cancelled', (e: { tripId: string }) => this.cancelled.add(e.tripId));
    socket.on('request:offer', (offer: RequestOffer) => void this.onRequestOffer(offer));
    socket.on('request:cancelled', (e: { requestId: string }) => this.cancelled.add(e.requestId));
    await unwrap(this.session.api.POST('/api/v1/drivers/me/availability', { body: { available: true } }));
    await this.sendPosition();
  }

  /** Streams positions until the clock stops. */
  async streamPositions(): Promise<void> {
    const every = Math.max(MIN_REAL_GAP_MS, (this.deps.behaviour.locationEveryS * 1000) / this.clock.speed);
    // Spread drivers over the interval instead of sending all at once.
    if (!(await this.clock.sleepReal(this.deps.rng.uniform(0, every)))) return;
    do await this.sendPosition().catch((err: unknown) => this.failed('location', err));
    while (!this.gone && (await this.clock.sleepReal(every)) && !this.gone);
  }

  position(at = this.clock.now()): Point {
    const leg = this.leg;
    if (!leg) return this.parked;
    return along(leg.from, leg.to, leg.durationMs === 0 ? 1 : (at - leg.startMs) / leg.durationMs);
  }

  private async sendPosition(): Promise<void> {
    const at = this.position();
    const moving = this.leg && this.clock.now() < this.leg.startMs + this.leg.durationMs;
    const fix = {
      lat: at.lat,
      lng: at.lng,
      heading: this.leg ? headingDeg(this.leg.from, this.leg.to) : null,
      speed: moving ? this.deps.behaviour.kmh / 3.6 : 0,
      accuracy: 5,
      timestamp: Date.now(),
    };
    const event = this.onRoadsideJob ? 'mechanic:location_update' : 'driver:location_update';
    const ack = (await this.session.emit(event, this.withFaults(fix))) as {
      accepted: boolean;
      reason?: string;
    };
    this.deps.stats.faults.fix(ack);
  }

  /** `--faults`: a spoofer's app sometimes reports a far-away jump; any phone sometimes a noisy fix. */
  private withFaults<T extends { lng: number; accuracy: number }>(fix: T): T {
    const { faults, rng } = this.deps;
    if (!faults) return fix;
    if (faults.spoofer && rng.chance(faults.jumpProb)) return { ...fix, lng: fix.lng + JUMP_DEG };
    if (rng.chance(faults.noiseProb)) return { ...fix, accuracy: NOISY_ACCURACY_M };
    return fix;
  }

  private async onOffer(offer: Offer): Promise<void> {
    const { stats } = this.deps;
    stats.offers.received++;
    if (this.state !== 'idle') return; // one offer at a time, as the server promises
    this.state = 'deciding';
    const params = { path: { id: offer.tripId } };
    const won = await this.answer(offer.expiresAt, stats.offers, (action) =>
      unwrap(this.session.api.POST('/api/v1/trips/{id}/driver-response', { params, body: { action } })),
    );
    if (this.gone) return;
    this.state = won ? 'on_trip' : 'idle';
    if (!won) return;
    await this.ride(offer).catch((err: unknown) => this.failed('trip', err));
    if (this.state === 'on_trip') this.state = 'idle';
  }

  /** A roadside job offered: answered like a trip; the job itself is sim/roadside-job.ts. */
  private async onRequestOffer(offer: RequestOffer): Promise<void> {
    const counts = this.deps.stats.roadside.offers;
    counts.received++;
    if (this.state !== 'idle') return;
    this.state = 'deciding';
    const params = { path: { id: offer.requestId } };
    const won = await this.answer(offer.expiresAt, counts, (action) =>
      unwrap(this.session.api.POST('/api/v1/service-requests/{id}/response', { params, body: { action } })),
    );
    if (this.gone) return;
    this.state = won ? 'on_trip' : 'idle';
    if (!won) return;
    this.onRoadsideJob = true;
    await new RoadsideJob(this.jobHost(), offer).work().catch((err: unknown) => this.failed('roadside', err));
    this.onRoadsideJob = false;
    // The server frees the provider when the job ends (no cooldown, unlike a trip).
    if (this.state === 'on_trip') this.state = 'idle';
  }

  private jobHost() {
    const { clock, stats, board, rng, behaviour } = this.deps;
    const workS = behaviour.serviceWorkS;
    const drive = (to: Point, jobId: string) => this.drive(to, jobId);
    return { id: this.id, session: this.session, clock, stats, board, rng, workS, drive };
  }

  /** Reaction time, then accept or decline with `respond`; true if this driver got the job. */
  private async answer(
    expiresAt: string,
    counts: OfferCounts,
    respond: (action: 'accept' | 'decline') => Promise<unknown>,
  ): Promise<boolean> {
    const { rng, behaviour } = this.deps;
    // Human reaction: median 4 s, rarely under 1 s or over 12 s.
    if (!(await this.clock.sleep(Math.min(12_000, Math.max(1_000, rng.logNormal(4_000, 0.5)))))) return false;
    if (Date.parse(expiresAt) <= Date.now()) {
      counts.expired++; // too slow: the round moved on without this driver
      return false;
    }
    const action = rng.chance(behaviour.declineProb) ? 'decline' : 'accept';
    try {
      await respond(action);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) counts.lost++;
      else this.failed('offer', err);
      return false;
    }
    if (action === 'decline') counts.declined++;
    else counts.accepted++;
    return action === 'accept';
  }

  /** Straight-line drive; false if the clock stopped or the trip was cancelled on the way. */
  private async drive(to: Point, tripId: string, stopAfter = 1): Promise<boolean> {
    const from = this.position();
    const durationMs = (haversineM(from, to) / (this.deps.behaviour.kmh / 3.6)) * 1000;
    this.leg = { from, to, startMs: this.clock.now(), durationMs };
    const arrived = await this.clock.sleep(durationMs * stopAfter);
    this.parked = this.position();
    this.leg = undefined;
    return arrived && !this.cancelled.has(tripId);
  }

  private async ride(offer: Offer): Promise<void> {
    const { stats, rng, behaviour, board } = this.deps;
    const { tripId } = offer;
    stats.matched(tripId, this.id, this.clock.now(), haversineM(this.position(), offer.pickup));
    const params = { path: { id: tripId } };
    const step = (status: 'arrived' | 'started' | 'completed', extra: { otp?: string } = {}) =>
      unwrap(this.session.api.POST('/api/v1/trips/{id}/status', { params, body: { status, ...extra } }));
    try {
      if (this.deps.faults && rng.chance(this.deps.faults.vanishProb)) {
        // Part of the way to the pickup, then the phone dies: no cancel, no positions, nothing.
        if (await this.drive(offer.pickup, tripId, rng.uniform(0.1, 0.9))) this.vanish(tripId);
        return;
      }
      if (rng.chance(behaviour.driverCancelProb)) {
        if (await this.drive(offer.pickup, tripId, rng.uniform(0.1, 0.9))) {
          const body = { reason: 'simulated driver gave up' };
          await unwrap(this.session.api.POST('/api/v1/trips/{id}/cancel', { params, body }));
          stats.ended(tripId, 'cancelled_driver');
        }
        return;
      }
      if (!(await this.drive(offer.pickup, tripId))) return;
      await step('arrived');
      // The rider reads the OTP from their trip view and tells the driver (sim/rider-agent.ts).
      const otp = await board.take(tripId, this.clock, OTP_WAIT_MS);
      if (!otp) return void stats.error('no_otp');
      // the rider walks over and gets in
      if (!(await this.clock.sleep(rng.uniform(250, 1000) * behaviour.boardingS))) return;
      await step('started', { otp });
      if (!(await this.drive(offer.dropoff, tripId))) return;
      await step('completed');
      stats.ended(tripId, 'completed');
    } finally {
      stats.freed(this.id, this.clock.now());
    }
    if (!this.gone) await this.rest();
  }

  private vanish(tripId: string): void {
    this.gone = true;
    this.state = 'gone';
    this.session.close();
    this.deps.stats.faults.vanished(tripId, this.clock.now());
  }

  /**
   * After a trip the server holds the driver in cooldown for 60 real
   * seconds; at speed > 1 that would be minutes of simulated time, so the
   * app goes available again after 60 simulated seconds (the server allows
   * cooldown → available on request).
   */
  private async rest(): Promise<void> {
    this.state = 'resting';
    if (!(await this.clock.sleep(REST_MS))) return;
    if (this.clock.speed > 1)
      await this.session.api
        .POST('/api/v1/drivers/me/availability', { body: { available: true } })
        .catch((err: unknown) => this.failed('availability', err));
    this.state = 'idle';
  }

  private failed(what: string, err: unknown): void {
    if (this.clock.stopped) return;
    const code = err instanceof ApiError ? err.code : 'network';
    this.deps.stats.error(`${what}:${code}`);
  }
}
