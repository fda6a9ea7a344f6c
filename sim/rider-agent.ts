/**
 * A rider app: estimate, request with the quote, wait for a driver (giving
 * up after a while if impatient), hand the driver the OTP from the trip
 * view, and follow the trip over the socket until it ends.
 */
import { ApiError, unwrap, type Session } from './client.js';
import type { SimClock } from './clock.js';
import type { PlannedRequest } from './scenario.js';
import type { Stats } from './stats.js';

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
/** Fallback poll of the trip (a missed socket event must not strand a rider): simulated ms, at least 5 real s. */
const POLL_SIM_MS = 60_000;
const POLL_MIN_REAL_MS = 5_000;

interface TripView {
  id: string;
  status: string;
  otp?: string;
  cancellation?: { by: string } | null;
}

export class RiderAgent {
  busy = false;
  private watching: { tripId: string; status: string; changes: number; wake: () => void } | undefined;

  constructor(
    private readonly session: Session,
    private readonly deps: { clock: SimClock; stats: Stats; board: OtpBoard },
  ) {}

  async goOnline(): Promise<void> {
    const socket = await this.session.connect();
    socket.on('trip:status_changed', (e: { tripId: string; to: string }) => {
      const w = this.watching;
      if (w && w.tripId === e.tripId) {
        this.setStatus(w, e.to);
        w.wake();
      }
    });
  }

  /** One request from estimate to the end of the trip (or of the search). */
  async ride(plan: PlannedRequest): Promise<void> {
    this.busy = true;
    try {
      const tripId = await this.request(plan);
      if (tripId) await this.follow(tripId, plan);
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
    let wake: () => void = () => {};
    const watch = { tripId, status: 'searching', changes: 0, wake: () => wake() };
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
        this.setStatus(watch, (await this.readTrip(tripId)).status);
        lastPoll = clock.now();
      }
      if (watch.changes !== seen) continue;
      const woke = new Promise<void>((resolve) => (wake = resolve));
      const poll = Math.max(POLL_SIM_MS, POLL_MIN_REAL_MS * clock.speed);
      await Promise.race([woke, clock.sleep(searching ? Math.min(poll, giveUpAt - clock.now()) : poll)]);
    }
    if (watch.status === 'no_drivers') this.deps.stats.ended(tripId, 'no_drivers');
    if (watch.status === 'cancelled') await this.recordCancellation(tripId);
  }

  private setStatus(watch: { status: string; changes: number }, status: string): void {
    if (watch.status === status) return;
    watch.status = status;
    watch.changes++;
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
