/**
 * A rider app: estimate, request with the quote, wait for a driver (giving
 * up after a while if impatient), hand the driver the OTP from the trip
 * view, and follow the trip over the socket until it ends. The same rider
 * may ask for roadside help instead (sim/roadside-customer.ts).
 */
import { ApiError, unwrap, type Session } from './client.js';
import type { SimClock } from './clock.js';
import { requestRoadsideHelp } from './roadside-customer.js';
import type { PlannedRequest, ServiceType } from './scenario.js';
import type { Stats } from './stats.js';
import { POLL_SIM_MS, StatusWatch } from './status-watch.js';

/** In person, the rider tells the driver the code; in the simulator they meet here. */
export class OtpBoard {
  private readonly codes = new Map<string, string>();
  private readonly waiters = new Map<string, (otp: string) => void>();

  put(tripId: string, otp: string): void {
    this.codes.set(tripId, otp);
    this.waiters.get(tripId)?.(otp);
  }

  async take(tripId: string, clock: SimClock, timeoutMs: number): Promise<string | undefined> {
    const known = this.codes.get(tripId);
    if (known) return known;
    const told = new Promise<string>((resolve) => this.waiters.set(tripId, resolve));
    const result = await Promise.race([told, clock.sleep(timeoutMs).then(() => undefined)]);
    this.waiters.delete(tripId);
    return result;
  }
}

const TERMINAL = new Set(['completed', 'payment_failed', 'cancelled', 'no_drivers']);

interface TripView {
  id: string;
  status: string;
  otp?: string;
  cancellation?: { by: string } | null;
}

export class RiderAgent {
  busy = false;
  private watching: StatusWatch | undefined;

  constructor(
    private readonly session: Session,
    private readonly deps: { clock: SimClock; stats: Stats; board: OtpBoard },
  ) {}

  async goOnline(): Promise<void> {
    const socket = await this.session.connect();
    const moved = (id: string, to: string) => (this.watching?.id === id ? this.watching.set(to) : undefined);
    socket.on('trip:status_changed', (e: { tripId: string; to: string }) => moved(e.tripId, e.to));
    socket.on('request_status_changed', (e: { requestId: string; to: string }) => moved(e.requestId, e.to));
  }

  /** One request from estimate to the end of the trip (or of the search). */
  ride(plan: PlannedRequest): Promise<void> {
    return this.busyWith(async () => {
      const tripId = await this.request(plan);
      if (tripId) await this.follow(tripId, plan);
    });
  }

  /** A roadside job from the estimate to its end: the customer approves the quote and tells the code. */
  roadside(plan: PlannedRequest, serviceType: ServiceType): Promise<void> {
    const { clock, stats, board } = this.deps;
    const watch = (id: string) => (this.watching = new StatusWatch(id, 'searching'));
    return this.busyWith(() =>
      requestRoadsideHelp({ session: this.session, clock, stats, board, watch }, plan, serviceType),
    );
  }

  private async busyWith(task: () => Promise<void>): Promise<void> {
    this.busy = true;
    try {
      await task();
    } catch (err) {
      if (!this.deps.clock.stopped) this.deps.stats.error(`rider:${err instanceof ApiError ? err.code : 'network'}`);
    } finally {
      this.watching = undefined;
      this.busy = false;
    }
  }

  private async request(plan: PlannedRequest): Promise<string | undefined> {
    const { pickup, dropoff } = plan;
    const estimate = await unwrap(
      this.session.api.POST('/api/v1/pricing/estimate', { body: { pickup, dropoff, vehicleClass: 'economy' } }),
    );
    const quote = estimate.quotes.find((q) => q.vehicleClass === 'economy');
    const sentAt = this.deps.clock.now();
    const body = { pickup, dropoff, vehicleClass: 'economy', paymentMethod: 'cash', quoteId: quote?.quoteId } as const;
    const trip = await unwrap(this.session.api.POST('/api/v1/trips', { body }));
    this.deps.stats.requested(trip.id, sentAt);
    return trip.id;
  }

  private async follow(tripId: string, plan: PlannedRequest): Promise<void> {
    const { clock } = this.deps;
    const watch = new StatusWatch(tripId, 'searching');
    this.watching = watch;
    const giveUpAt = plan.cancelAfterMs === null ? Infinity : clock.now() + plan.cancelAfterMs;
    let lastPoll = clock.now();
    let toldOtp = false;
    while (!clock.stopped && !TERMINAL.has(watch.status)) {
      const seen = watch.changes;
      const searching = watch.status === 'searching';
      if (searching && clock.now() >= giveUpAt) {
        if (await this.giveUp(tripId)) return;
        lastPoll = -Infinity; // lost the race to an accept: read the trip now
      }
      if (!toldOtp && (watch.status === 'accepted' || watch.status === 'arrived')) {
        const view = await this.readTrip(tripId);
        if (view.otp) this.deps.board.put(tripId, view.otp);
        toldOtp = true;
      }
      if (clock.now() - lastPoll >= POLL_SIM_MS) {
        watch.set((await this.readTrip(tripId)).status);
        lastPoll = clock.now();
      }
      if (watch.changes !== seen) continue;
      const poll = StatusWatch.pollMs(clock);
      await watch.next(clock, searching ? Math.min(poll, giveUpAt - clock.now()) : poll);
    }
    if (watch.status === 'no_drivers') this.deps.stats.ended(tripId, 'no_drivers');
    if (watch.status === 'cancelled') await this.recordCancellation(tripId);
  }

  /** cancel-search; false if a driver accepted first (409). */
  private async giveUp(tripId: string): Promise<boolean> {
    try {
      await unwrap(this.session.api.POST('/api/v1/trips/{id}/cancel-search', { params: { path: { id: tripId } } }));
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) return false;
      throw err;
    }
    this.deps.stats.ended(tripId, 'cancelled_rider');
    return true;
  }

  private readTrip(tripId: string): Promise<TripView> {
    return unwrap(this.session.api.GET('/api/v1/trips/{id}', { params: { path: { id: tripId } } }));
  }

  private async recordCancellation(tripId: string): Promise<void> {
    const view = await this.readTrip(tripId);
    this.deps.stats.ended(tripId, view.cancellation?.by === 'driver' ? 'cancelled_driver' : 'cancelled_rider');
  }
}
