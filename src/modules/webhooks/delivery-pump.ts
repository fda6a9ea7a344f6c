import { setImmediate } from 'node:timers/promises';
import type { Logger } from '../../platform/observability/logger.js';
import { claimDue, nextDue, recordDelivered, type ClaimedDelivery } from './deliveries.repo.js';
import { attempt, type DeliveryDeps } from './delivery.js';
import type { SendResult } from './sender.js';
import { wakeDeliveryAt } from './webhook-jobs.js';

/** Added to a lease beyond the attempts it covers. */
const LEASE_MARGIN_MS = 5_000;
/** One endpoint's requests open at once on this node; a hanging receiver holds at most these sockets. */
const MAX_OPEN_PER_ENDPOINT = 16;
/**
 * Claimed deliveries queued here behind an endpoint's open requests, in
 * waves of MAX_OPEN_PER_ENDPOINT: the next claim's round trip overlaps with
 * sending instead of leaving the endpoint's slots idle, and a fast endpoint
 * is fed by fewer, larger claims (bench:webhooks, one endpoint: one wave
 * queued took 91 claims per 2,000 deliveries, three take 52, and the claims
 * were most of the drain's time). A queued delivery waits at most one
 * timeout per wave before it is sent, hence the lease (leaseMs).
 */
const QUEUED_WAVES = 3;
const QUEUED_PER_ENDPOINT = QUEUED_WAVES * MAX_OPEN_PER_ENDPOINT;
/**
 * A lease outlives the waves ahead of a delivery and its own attempt, so a
 * live sender never loses it; a dead sender's lapses that long after its claim.
 */
const leaseMs = (timeoutMs: number) => (QUEUED_WAVES + 1) * timeoutMs + LEASE_MARGIN_MS;
/**
 * All deliveries claimed on this node and not yet settled: bounds memory
 * and open sockets whatever the number of endpoints. Eight hanging
 * endpoints, each holding its full share, still leave room for the rest.
 */
const MAX_IN_FLIGHT = 8 * (MAX_OPEN_PER_ENDPOINT + QUEUED_PER_ENDPOINT);
/** Heads leased per claim (one statement). */
const CLAIM_BATCH = 64;
/**
 * While sends are in flight the pump looks for newly due heads at least
 * this often; a head due later than this, with nothing in flight, is left
 * to a timer job instead of this process.
 */
const POLL_MS = 1_000;

/** Sends started per event-loop turn (sendAll). */
const SENDS_PER_TURN = 4;

type Acked = { id: string; result: SendResult };

/**
 * This node's webhook sender. One loop claims due heads for every endpoint
 * in one statement, sends each in the background (a job never holds a
 * worker slot for an HTTP call: a hanging receiver costs a socket, not the
 * workers that run trips) and settles the acknowledged ones in batches
 * (group commit). Why not a job per delivery: a job, a claim and a record
 * per POST made deliveries a few per cent of the job rate (bench:webhooks).
 * Safety stays in the database: a claimed head is leased; if this process
 * dies mid-send the lease lapses, and the next claim (the sweep kicks one
 * every WEBHOOK_SWEEP_MS) takes it again: at least once, in order per pair.
 */
export class DeliveryPump {
  /** Per endpoint: claimed here and not yet answered (open or queued). */
  private readonly held = new Map<string, number>();
  private readonly waiting = new Map<string, ClaimedDelivery[]>();
  private readonly open = new Map<string, number>();
  private inFlight = 0;
  private running: Promise<void> | undefined;
  private kicked = false;
  private stopped = false;
  private wake: (() => void) | undefined;
  private batch: { items: Acked[]; done: Promise<void> } | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: DeliveryDeps,
    private readonly log: Logger,
  ) {}

  /** Something may be due: claim now (or right after the current claim). */
  kick() {
    if (this.stopped) return;
    this.kicked = true;
    this.wake?.();
    this.running ??= this.run()
      .catch((err: unknown) => this.log.warn({ err }, 'webhook pump stopped; the sweep restarts it'))
      .finally(() => (this.running = undefined));
  }

  /** Claims nothing more; sends in flight finish or their leases lapse. */
  stop() {
    this.stopped = true;
    this.wake?.();
  }

  private async run() {
    while (!this.stopped) {
      this.kicked = false;
      const room = Math.min(CLAIM_BATCH, MAX_IN_FLIGHT - this.inFlight);
      const claimed = room > 0 ? await this.claim(room) : [];
      await this.sendAll(claimed);
      if ((claimed.length > 0 && claimed.length === room) || this.kicked) continue;
      if (this.inFlight > 0) await this.changeOr(POLL_MS);
      else if (await this.idle()) return;
    }
  }

  private claim(limit: number) {
    return claimDue(this.deps.db, {
      limit,
      leaseMs: leaseMs(this.deps.settings.timeoutMs),
      perEndpoint: MAX_OPEN_PER_ENDPOINT + QUEUED_PER_ENDPOINT,
      busy: this.held,
    });
  }

  /** Nothing in flight: wait here for a head due soon, else leave a timer job; true when the loop may end. */
  private async idle(): Promise<boolean> {
    const due = await nextDue(this.deps.db);
    if (this.kicked || this.inFlight > 0 || !due) return !this.kicked && this.inFlight === 0;
    const wait = due.getTime() - Date.now();
    if (wait <= POLL_MS) {
      await this.changeOr(Math.max(wait, 0));
      return false;
    }
    await wakeDeliveryAt(this.deps.db, this.deps.jobs, due);
    return !this.kicked;
  }

  /**
   * A claim's sends, a few per turn of the event loop: signing and opening
   * a whole batch at once would hold the loop while API requests on this
   * node (the `all` role) wait for their own query results.
   */
  private async sendAll(claimed: ClaimedDelivery[]) {
    for (let i = 0; i < claimed.length; i++) {
      if (i > 0 && i % SENDS_PER_TURN === 0) await setImmediate();
      this.send(claimed[i]!);
    }
  }

  /** Sends now, or queues behind the endpoint's open requests. */
  private send(d: ClaimedDelivery) {
    this.inFlight++;
    bump(this.held, d.endpoint_id, 1);
    if ((this.open.get(d.endpoint_id) ?? 0) < MAX_OPEN_PER_ENDPOINT) return this.start(d);
    const queue = this.waiting.get(d.endpoint_id) ?? [];
    queue.push(d);
    this.waiting.set(d.endpoint_id, queue);
  }

  /**
   * The endpoint's slot is freed as soon as its answer is in (the cap is on
   * open requests); the delivery counts against MAX_IN_FLIGHT until its
   * outcome is written. Its lease holds meanwhile, so the pair's next
   * delivery is not claimed before this one is settled.
   */
  private start(d: ClaimedDelivery) {
    bump(this.open, d.endpoint_id, 1);
    let answered = false;
    const answer = () => {
      if (answered) return;
      answered = true;
      bump(this.open, d.endpoint_id, -1);
      bump(this.held, d.endpoint_id, -1);
      const next = this.waiting.get(d.endpoint_id)?.shift();
      if (next) this.start(next);
      else this.waiting.delete(d.endpoint_id);
      this.wake?.();
    };
    void attempt(this.deps, d, this.log, answer)
      .then((result) => (result ? this.settle({ id: d.id, result }) : undefined))
      .catch((err: unknown) =>
        this.log.warn({ err, deliveryId: d.id }, 'webhook attempt not recorded; its lease lapses and it is sent again'),
      )
      .finally(() => {
        answer();
        this.inFlight--;
        this.wake?.();
      });
  }

  /**
   * Group commit: answers that arrive while a batch is being written join
   * the next one, written in one statement as soon as the current is done.
   */
  private settle(item: Acked): Promise<void> {
    if (!this.batch) {
      const items: Acked[] = [];
      const done = this.writing.then(() => {
        this.batch = undefined;
        return recordDelivered(this.deps.db, items);
      });
      this.batch = { items, done };
      this.writing = done.catch(() => {});
    }
    this.batch.items.push(item);
    return this.batch.done;
  }

  /** Resolves on a kick, a finished send, or after `ms`. */
  private async changeOr(ms: number) {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      timer = setTimeout(resolve, ms);
    });
    clearTimeout(timer);
    this.wake = undefined;
  }
}

function bump(counts: Map<string, number>, key: string, by: number) {
  const n = (counts.get(key) ?? 0) + by;
  if (n === 0) counts.delete(key);
  else counts.set(key, n);
}
