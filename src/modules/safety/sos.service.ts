import type { Db, DbHandle } from '../../platform/db/database.js';
import { withTransaction } from '../../platform/db/transaction.js';
import { conflict, notFound } from '../../platform/errors.js';
import { decodeCursor, pageOf } from '../../platform/http/cursor.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import { JobPriority } from '../../platform/jobs/task.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { RealtimeEmitter } from '../../platform/realtime/emitter.js';
import { deliveryStatusFor, notify, queueDeliveries, deliveryReceipts } from '../notifications/index.js';
import { type Viewer, tripRecords } from '../trips/index.js';
import { userAccounts } from '../users/index.js';
import { listContacts } from './contacts.repo.js';
import type { SafetyConfig } from './safety.config.js';
import { sosEscalateTask, sosTrackTask } from './safety.task.js';
import { sosAlerts, sosPersistSeconds } from './safety.metrics.js';
import { SOS_SUBJECT, sosAlertPayload, sosFanOut, type SosPerson } from './sos.messages.js';
import {
  findAlert,
  findOpenAlertOf,
  insertOpenAlert,
  listAlerts,
  moveAlert,
  updateLastPosition,
  type SosAlertRow,
  type SosStatus,
} from './sos.repo.js';

export interface SosDeps {
  db: Db;
  jobs: JobQueue;
  realtime: RealtimeEmitter;
  log: Logger;
  config: SafetyConfig;
}

interface AdminAlert {
  deliveryId: string;
  payload: Record<string, unknown>;
}

export interface SosTriggerInput {
  tripId?: string;
  lat: number;
  lng: number;
  note?: string;
}

export async function personOf(db: DbHandle, userId: string): Promise<SosPerson> {
  const user = await userAccounts.findById(db, userId);
  return { name: user?.name ?? 'A SmartLine user', phone: user?.phone ?? 'unknown' };
}

/**
 * SOS: persisted first, answered with its id; the fan-out (every channel, in
 * parallel, CRITICAL jobs), the escalation timer and live tracking are queued
 * in the SAME transaction, so an alert that exists is always fanned out and
 * escalated, whatever the providers do afterwards.
 */
export class SosService {
  constructor(private readonly deps: SosDeps) {}

  /** A trip the user rides or drives; an unrelated id is dropped rather than blocking an emergency. */
  private async tripOf(user: Viewer, tripId: string | undefined): Promise<string | null> {
    if (!tripId) return null;
    const trip = await tripRecords.find(this.deps.db, tripId);
    if (trip && (trip.rider_id === user.id || trip.driver_id === user.id)) return trip.id;
    this.deps.log.warn({ userId: user.id, tripId }, 'SOS named a trip the user is not part of; stored without trip');
    return null;
  }

  /** Queues every channel and the timers; returns the admin-room socket delivery for the fast path. */
  private async queueFanOut(tx: DbHandle, alert: SosAlertRow): Promise<AdminAlert | undefined> {
    const { config, jobs } = this.deps;
    const person = await personOf(tx, alert.user_id);
    const recipients = {
      contacts: await listContacts(tx, alert.user_id),
      oncallPhone: config.ONCALL_PHONE,
      oncallEmail: config.ONCALL_EMAIL,
      oncallPushTopic: config.ONCALL_PUSH_TOPIC,
    };
    const queued = await queueDeliveries(tx, jobs, sosFanOut(alert, person, recipients));
    const socket = queued.find((d) => d.channel === 'socket');
    const now = Date.now();
    await jobs.enqueue(
      tx,
      sosEscalateTask,
      { alertId: alert.id },
      {
        jobKey: `sos-escalate:${alert.id}`,
        runAt: new Date(now + config.SOS_ESCALATION_MS),
        priority: JobPriority.CRITICAL,
      },
    );
    await jobs.enqueue(
      tx,
      sosTrackTask,
      { alertId: alert.id },
      {
        jobKey: `sos-track:${alert.id}`,
        runAt: new Date(now + config.SOS_TRACK_INTERVAL_MS),
        priority: JobPriority.CRITICAL,
      },
    );
    return socket ? { deliveryId: socket.id, payload: sosAlertPayload(alert, person) } : undefined;
  }

  /** Fast path: the admin room hears it from this node at once; the queued delivery is then a no-op. */
  private emitToAdminsNow(admin: AdminAlert) {
    this.deps.realtime.toAdmins('sos:alert', admin.payload);
    deliveryReceipts
      .markSent(this.deps.db, { id: admin.deliveryId })
      .catch((err: unknown) =>
        this.deps.log.warn(
          { err, deliveryId: admin.deliveryId },
          'could not record SOS socket delivery; the backup job will resend',
        ),
      );
  }

  async trigger(user: Viewer, input: SosTriggerInput): Promise<{ alertId: string }> {
    const started = performance.now();
    const tripId = await this.tripOf(user, input.tripId);
    const { alert, created, admin } = await withTransaction(this.deps.db, async (tx) => {
      for (;;) {
        const inserted = await insertOpenAlert(tx, {
          userId: user.id,
          tripId,
          lat: input.lat,
          lng: input.lng,
          note: input.note ?? null,
        });
        if (inserted) return { alert: inserted, created: true, admin: await this.queueFanOut(tx, inserted) };
        // Pressed again while an alert is open: same alert, fresher position, no second fan-out.
        const open = await findOpenAlertOf(tx, user.id);
        if (!open) continue; // acknowledged in between: this press is a new alert
        await updateLastPosition(tx, { id: open.id, lat: input.lat, lng: input.lng, at: new Date() });
        return { alert: open, created: false, admin: undefined };
      }
    });
    if (admin) this.emitToAdminsNow(admin);
    sosPersistSeconds.observe((performance.now() - started) / 1000);
    sosAlerts.inc({ outcome: created ? 'created' : 'repeat' });
    if (created) this.deps.log.warn({ alertId: alert.id, userId: user.id, tripId }, 'SOS alert raised');
    return { alertId: alert.id };
  }

  async view(alert: SosAlertRow) {
    return {
      id: alert.id,
      userId: alert.user_id,
      tripId: alert.trip_id,
      lat: alert.lat,
      lng: alert.lng,
      note: alert.note,
      status: alert.status,
      channels: await deliveryStatusFor(this.deps.db, { type: SOS_SUBJECT, id: alert.id }),
      escalations: alert.escalations,
      lastPosition: { lat: alert.last_lat, lng: alert.last_lng, at: alert.last_position_at.toISOString() },
      acknowledgedAt: alert.acknowledged_at ? alert.acknowledged_at.toISOString() : null,
      resolvedAt: alert.resolved_at ? alert.resolved_at.toISOString() : null,
      createdAt: alert.created_at.toISOString(),
    };
  }

  /** The owner and admins see an alert; anyone else gets 404. */
  async get(viewer: Viewer, id: string) {
    const alert = await findAlert(this.deps.db, id);
    if (!alert || (viewer.role !== 'admin' && alert.user_id !== viewer.id)) throw notFound('SOS alert');
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
  async acknowledge(admin: Viewer, id: string) {
    return this.move(admin, id, {
      from: ['open'],
      to: 'acknowledged',
      already: ['acknowledged'],
      template: 'sos.acknowledged',
    });
  }

  /** open|acknowledged → resolved: tracking stops. */
  async resolve(admin: Viewer, id: string) {
    return this.move(admin, id, {
      from: ['open', 'acknowledged'],
      to: 'resolved',
      already: ['resolved'],
      template: 'sos.resolved',
    });
  }

  private async move(
    admin: Viewer,
    id: string,
    m: { from: SosStatus[]; to: 'acknowledged' | 'resolved'; already: SosStatus[]; template: string },
  ) {
    const moved = await withTransaction(this.deps.db, async (tx) => {
      const row = await moveAlert(tx, { id, from: m.from, to: m.to, by: admin.id });
      if (row)
        await notify(tx, this.deps.jobs, {
          userId: row.user_id,
          template: m.template,
          data: { alertId: row.id },
          priority: 'HIGH',
        });
      return row;
    });
    if (moved) {
      this.deps.realtime.toAdmins(`sos:${m.to}`, { alertId: id, by: admin.id, at: new Date().toISOString() });
      return this.view(moved);
    }
    const current = await findAlert(this.deps.db, id);
    if (!current) throw notFound('SOS alert');
    if (m.already.includes(current.status)) return this.view(current);
    throw conflict(`SOS alert is ${current.status}`);
  }
}
