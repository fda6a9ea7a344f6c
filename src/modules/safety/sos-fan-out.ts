import type { Db, DbHandle } from '../../platform/db/database.js';
import type { EventBus } from '../../platform/events/bus.js';
import { runUnitOfWork } from '../../platform/events/unit-of-work.js';
import type { JobQueue } from '../../platform/jobs/queue.js';
import { JobPriority } from '../../platform/jobs/task.js';
import type { Logger } from '../../platform/observability/logger.js';
import type { RealtimeEmitter } from '../../platform/realtime/emitter.js';
import { deliveryReceipts, pushDevices, queueDeliveries } from '../notifications/index.js';
import { TERMINAL_STATUSES, tripRecords } from '../trips/index.js';
import { userAccounts } from '../users/index.js';
import { listContacts, type EmergencyContactRow } from './contacts.repo.js';
import type { SafetyConfig } from './safety.config.js';
import { sosTrackTask } from './safety.task.js';
import { sosAlertPayload, sosFanOut } from './sos.messages.js';
import { findAlert, lockAlert, type SosAlertRow } from './sos.repo.js';
import { issueTripShare } from './share.service.js';
import { sosAlertView } from './sos-view.js';
import { personOf } from './sos.service.js';

export interface SosFanOutDeps {
  db: Db;
  /** `sos.opened` is recorded with the fan-out: once per alert, since a re-run queues nothing. */
  bus: EventBus;
  jobs: JobQueue;
  realtime: RealtimeEmitter;
  log: Logger;
  config: SafetyConfig;
}

/** Devices of the contacts who have an account with the app, by the contact's phone. */
async function devicesOfContacts(db: Db, contacts: EmergencyContactRow[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const c of contacts) {
    const user = c.phone ? await userAccounts.findByPhone(db, c.phone) : undefined;
    if (c.phone && user) out.set(c.phone, await pushDevices.tokensOf(db, user.id));
  }
  return out;
}

/** A live share link of the alert's trip while it is active, so contacts follow the position, not one point. */
async function liveLinkOf(tx: DbHandle, config: SafetyConfig, alert: SosAlertRow): Promise<string | null> {
  const trip = alert.trip_id ? await tripRecords.find(tx, alert.trip_id) : undefined;
  if (!trip || TERMINAL_STATUSES.includes(trip.status)) return null;
  return (await issueTripShare(tx, config, { tripId: trip.id, createdBy: alert.user_id })).url;
}

/**
 * The `safety.sos_fan_out` job: everything the SOS request no longer waits
 * for. One transaction queues every channel (push, SMS, email, the admin
 * room's backup), starts live tracking and records `sos.opened` (webhooks: the
 * request's own transaction stays one write of the alert and its jobs); then the admin room hears it from
 * here at once. Runs again after a crash? The deliveries already exist
 * (unique per alert, channel, recipient), nothing new is queued and nothing
 * is emitted twice: each channel goes out once per alert.
 */
export async function fanOutSos(deps: SosFanOutDeps, alertId: string): Promise<void> {
  const alert = await findAlert(deps.db, alertId);
  if (!alert) return;
  const { config, jobs } = deps;
  const person = await personOf(deps.db, alert.user_id);
  const contacts = await listContacts(deps.db, alert.user_id);
  const contactDevices = await devicesOfContacts(deps.db, contacts);
  const queued = await runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
    await lockAlert(tx, alertId); // before anything else: the alert's moves lock it first too
    // A re-run after a crash issues a second link that nobody is sent (it expires with SHARE_TTL_MS).
    const liveLink = await liveLinkOf(tx, config, alert);
    const recipients = {
      contacts,
      contactDevices,
      liveLink,
      oncallPhone: config.ONCALL_PHONE,
      oncallEmail: config.ONCALL_EMAIL,
      oncallPushTopic: config.ONCALL_PUSH_TOPIC,
    };
    const created = await queueDeliveries(tx, jobs, sosFanOut(alert, person, recipients));
    if (created.length === 0) return created; // an earlier run committed the fan-out
    const opened = { alert: await sosAlertView(tx, config, alert) };
    await events.record({
      type: 'sos.opened',
      aggregateType: 'sos_alert',
      aggregateId: alertId,
      actorId: alert.user_id,
      payload: opened,
    });
    await jobs.enqueue(
      tx,
      sosTrackTask,
      { alertId },
      {
        jobKey: `sos-track:${alertId}`,
        runAt: new Date(alert.created_at.getTime() + config.SOS_TRACK_INTERVAL_MS),
        priority: JobPriority.CRITICAL,
      },
    );
    return created;
  });
  const socket = queued.find((d) => d.channel === 'socket');
  if (!socket) return;
  // Fast path: the admin room hears it now; the queued socket delivery (SOS_SOCKET_BACKUP_MS later) finds it sent.
  deps.realtime.toAdmins('sos:alert', sosAlertPayload(alert, person));
  await deliveryReceipts
    .markSent(deps.db, { id: socket.id })
    .catch((err: unknown) =>
      deps.log.warn({ err, deliveryId: socket.id }, 'could not record SOS socket delivery; the backup job will resend'),
    );
}
