import { holdsGrant, STAFF_ACCESS } from '../../platform/http/route-config.js';
import type { Db, DbHandle } from '../../platform/db/database.js';
import { withTransaction } from '../../platform/db/transaction.js';
import type { EventBus } from '../../platform/events/bus.js';
import { runUnitOfWork } from '../../platform/events/unit-of-work.js';
import { conflict, notFound } from '../../platform/errors.js';
import { decodeCursor, pageOf } from '../../platform/http/cursor.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import { JobPriority } from '../../platform/jobs/task.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { RealtimeEmitter } from '../../platform/realtime/emitter.js';
import { notify } from '../notifications/index.js';
import { type Viewer, tripRecords } from '../trips/index.js';
import { userAccounts } from '../users/index.js';
import type { SafetyConfig } from './safety.config.js';
import { sosEscalateTask, sosFanOutTask } from './safety.task.js';
import { sosAlerts, sosPersistSeconds } from './safety.metrics.js';
import type { SosPerson } from './sos.messages.js';
import { sosAlertView } from './sos-view.js';
import {
  findAlert,
  listAlerts,
  listTrail,
  moveAlert,
  raiseAlert,
  type SosAlertRow,
  type SosStatus,
} from './sos.repo.js';

/** The desk's trail shows at most this many points (SOS_TRACK_INTERVAL_MS 5 s × 1,000 ≈ 80 minutes). */
const TRAIL_LIMIT = 1_000;

export interface SosDeps {
  db: Db;
  /** Acknowledge and resolve record `sos.acknowledged` / `sos.resolved` with the move (opt-in webhooks). */
  bus: EventBus;
  /** The reserved pool (DB_SAFETY_POOL_SIZE): the SOS write never waits behind other traffic for a connection. */
  safetyDb: Db;
  jobs: JobQueue;
  realtime: RealtimeEmitter;
  log: Logger;
  config: SafetyConfig;
}

export interface SosTriggerInput {
  tripId?: string;
  lat: number;
  lng: number;
  note?: string;
}

export async function personOf(db: DbHandle, userId: string): Promise<SosPerson> {
  const user = await userAccounts.findById(db, userId);
  return { name: user?.name ?? 'A SmartLine user', phone: user?.phone ?? 'unknown', locale: user?.locale ?? 'en' };
}

/**
 * SOS: persisted first, answered with its id (issue 25: the acknowledgement
 * waits for one durable write and nothing else).
 *
 * What the request runs, on a reserved connection (DB_SAFETY_POOL_SIZE, kept
 * open), in one transaction, and why each statement stays:
 *  1. only when a tripId is sent: one primary-key read of that trip, so the
 *     alert names a trip only its rider or driver (an unrelated id is dropped,
 *     never refused) and the trip_id foreign key cannot fail the alert. An
 *     MVCC read: it never waits for a lock.
 *  2. `raiseAlert`: the alert itself, one INSERT … ON CONFLICT … RETURNING;
 *     a repeated press updates the open alert's position instead (the partial
 *     unique index keeps one open alert per user).
 *  3. a new alert only: one `add_jobs` with two rows, the outbox that makes
 *     the alert impossible to forget: `safety.sos_fan_out` (runs now) and the
 *     escalation timer (created_at + SOS_ESCALATION_MS). Both carry job keys
 *     and commit with the alert, so they start exactly once, from this write,
 *     even if the node dies right after the answer.
 *
 * What moved off the request path (into the fan-out job, sos-fan-out.ts): the
 * user's name and emergency contacts (two reads), one delivery row and one
 * send job per channel (an INSERT plus up to ~10 add_job round trips), the
 * tracking job, the admin-room emit and its receipt UPDATE. Gone: the trip
 * read on the saturable main pool before the transaction, and the separate
 * find-then-update of a repeated press (now the same statement as the insert).
 * Before the handler: the session check reads through the reserved pool when
 * its cache misses (route config `critical`); no rate limit.
 */
export class SosService {
  constructor(private readonly deps: SosDeps) {}

  /** A trip the user rides or drives; an unrelated id is dropped rather than blocking an emergency. */
  private async tripOf(tx: DbHandle, user: Viewer, tripId: string | undefined): Promise<string | null> {
    if (!tripId) return null;
    const trip = await tripRecords.find(tx, tripId);
    if (trip && (trip.rider_id === user.id || trip.driver_id === user.id)) return trip.id;
    this.deps.log.warn({ userId: user.id, tripId }, 'SOS named a trip the user is not part of; stored without trip');
    return null;
  }

  /** The outbox rows of a new alert: fan-out now, escalation SOS_ESCALATION_MS after the alert was written. */
  private async startFanOut(tx: DbHandle, alert: SosAlertRow) {
    const payload = { alertId: alert.id };
    const escalateAt = new Date(alert.created_at.getTime() + this.deps.config.SOS_ESCALATION_MS);
    await this.deps.jobs.enqueueMany(tx, [
      { def: sosFanOutTask, payload, options: { jobKey: `sos-fanout:${alert.id}`, priority: JobPriority.CRITICAL } },
      {
        def: sosEscalateTask,
        payload,
        options: { jobKey: `sos-escalate:${alert.id}`, runAt: escalateAt, priority: JobPriority.CRITICAL },
      },
    ]);
  }

  async trigger(user: Viewer, input: SosTriggerInput): Promise<{ alertId: string }> {
    const started = performance.now();
    const { alert, created } = await withTransaction(this.deps.safetyDb, async (tx) => {
      const raised = await raiseAlert(tx, {
        userId: user.id,
        tripId: await this.tripOf(tx, user, input.tripId),
        lat: input.lat,
        lng: input.lng,
        note: input.note ?? null,
      });
      if (raised.created) await this.startFanOut(tx, raised.alert);
      return raised;
    });
    sosPersistSeconds.observe((performance.now() - started) / 1000);
    sosAlerts.inc({ outcome: created ? 'created' : 'repeat' });
    if (created) this.deps.log.warn({ alertId: alert.id, userId: user.id, tripId: alert.trip_id }, 'SOS alert raised');
    return { alertId: alert.id };
  }

  view(alert: SosAlertRow) {
    return sosAlertView(this.deps.db, this.deps.config, alert);
  }

  /** The live location trail for the desk: where it was raised, each fresh tracked fix, and the latest known. */
  async trail(id: string) {
    const alert = await findAlert(this.deps.db, id);
    if (!alert) throw notFound('SOS alert');
    const points = [
      { lat: alert.lat, lng: alert.lng, at: alert.created_at },
      ...(await listTrail(this.deps.db, id, TRAIL_LIMIT)),
    ];
    if (alert.last_position_at > points.at(-1)!.at)
      points.push({ lat: alert.last_lat, lng: alert.last_lng, at: alert.last_position_at });
    return points.map((p) => ({ lat: p.lat, lng: p.lng, at: p.at.toISOString() }));
  }

  /** The owner and admins see an alert; anyone else gets 404. */
  async get(viewer: Viewer, id: string) {
    const alert = await findAlert(this.deps.db, id);
    if (!alert || (!holdsGrant(viewer, STAFF_ACCESS.fleet) && alert.user_id !== viewer.id)) throw notFound('SOS alert');
    return this.view(alert);
  }

  async list(query: { status?: SosStatus; limit: number; cursor?: string }) {
    const rows = await listAlerts(this.deps.db, {
      status: query.status,
      limit: query.limit,
      after: decodeCursor(query.cursor),
    });
    const { page, nextCursor } = pageOf(rows, query.limit);
    return { items: await Promise.all(page.map((r) => this.view(r))), nextCursor };
  }

  /**
   * open → acknowledged (stops escalation: the escalation job finds it no
   * longer open); repeating it is harmless; a resolved alert is 409.
   */
  async acknowledge(admin: Viewer, id: string, note: string | null = null) {
    return this.move(admin, id, {
      note,
      from: ['open'],
      to: 'acknowledged',
      already: ['acknowledged'],
      template: 'sos.acknowledged',
    });
  }

  /** open|acknowledged → resolved: tracking stops. */
  async resolve(admin: Viewer, id: string, note: string | null = null) {
    return this.move(admin, id, {
      note,
      from: ['open', 'acknowledged'],
      to: 'resolved',
      already: ['resolved'],
      template: 'sos.resolved',
    });
  }

  private async move(
    admin: Viewer,
    id: string,
    m: {
      from: SosStatus[];
      to: 'acknowledged' | 'resolved';
      already: SosStatus[];
      template: string;
      note: string | null;
    },
  ) {
    const moved = await runUnitOfWork(this.deps.db, this.deps.bus, async (tx, events) => {
      const row = await moveAlert(tx, { id, from: m.from, to: m.to, by: admin.id, note: m.note });
      if (!row) return row;
      await notify(tx, this.deps.jobs, {
        userId: row.user_id,
        template: m.template,
        data: { alertId: row.id },
        priority: 'HIGH',
      });
      const alert = await sosAlertView(tx, this.deps.config, row);
      await events.record({
        type: `sos.${m.to}`,
        aggregateType: 'sos_alert',
        aggregateId: row.id,
        actorId: admin.id,
        payload: { alert },
      });
      return row;
    });
    if (moved) {
      this.deps.realtime.toAdmins(`sos:${m.to}`, {
        alertId: id,
        by: admin.id,
        at: new Date().toISOString(),
        note: m.note,
      });
      return this.view(moved);
    }
    const current = await findAlert(this.deps.db, id);
    if (!current) throw notFound('SOS alert');
    if (m.already.includes(current.status)) return this.view(current);
    throw conflict(`SOS alert is ${current.status}`);
  }
}
