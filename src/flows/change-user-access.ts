import type { Db, Tx } from '../platform/db/database.js';
import type { EventBus } from '../platform/events/bus.js';
import { runUnitOfWork, type EventRecorder } from '../platform/events/unit-of-work.js';
import { forbidden, notFound } from '../platform/errors.js';
import type { HotState } from '../platform/hotstate/index.js';
import type { JobQueue } from '../platform/jobs/queue.js';
import type { Logger } from '../platform/observability/logger.js';
import type { AuthUser } from '../platform/http/route-config.js';
import { recordAudit } from '../platform/audit/audit.repo.js';
import { revokeAllSessionsOf } from '../modules/auth/index.js';
import { driverStanding } from '../modules/drivers/index.js';
import { syncDriverAvailability } from '../modules/location/index.js';
import { tripOffers } from '../modules/trips/index.js';
import {
  liftSuspensionJobKey,
  liftSuspensionTask,
  toPublicUser,
  userAccounts,
  type AccessUpdate,
  type PublicUser,
  type UserRow,
} from '../modules/users/index.js';

export type AccessChange = AccessUpdate;

export interface AccessDeps {
  db: Db;
  bus: EventBus;
  jobs: JobQueue;
  hotState: HotState;
  log: Logger;
}

export type AccessView = PublicUser & {
  staffRoles: string[];
  suspended: boolean;
  suspensionReason: string | null;
  suspendedUntil: string | null;
};

export function toAccessView(row: UserRow, viewer: Pick<AuthUser, 'id' | 'role'>): AccessView {
  return {
    ...toPublicUser(row, viewer),
    staffRoles: row.staff_roles,
    suspended: row.suspended_at !== null,
    suspensionReason: row.suspension_reason,
    suspendedUntil: row.suspended_until?.toISOString() ?? null,
  };
}

/**
 * The change in the caller's transaction, with its audit row. Suspending
 * ends every session (every node hears it from Postgres, migrations
 * 0013/0015), takes a driver off duty and out of every open offer, and
 * schedules the lift when the suspension has an end; lifting clears all of
 * it but revives no session: the user signs in again.
 */
async function applyAccessChange(
  deps: AccessDeps,
  { tx, events }: { tx: Tx; events: EventRecorder },
  actorId: string | null,
  change: AccessChange,
) {
  const row = await userAccounts.changeAccess(tx, change);
  if (!row) throw notFound('User');
  let sessionsRevoked = 0;
  if (change.suspended !== undefined) {
    const profile = await driverStanding.setSuspended(tx, row.id, change.suspended);
    if (change.suspended) {
      sessionsRevoked = await revokeAllSessionsOf(tx, row.id, 'suspended');
      if (profile) await tripOffers.withdrawFromDriver(tx, row.id);
    }
    if (change.suspended && change.until)
      await deps.jobs.enqueue(
        tx,
        liftSuspensionTask,
        { userId: row.id, until: change.until.toISOString() },
        { jobKey: liftSuspensionJobKey(row.id), runAt: change.until },
      );
  }
  await recordAudit(tx, {
    actorId,
    action: 'user.access_changed',
    targetType: 'user',
    targetId: row.id,
    details: {
      role: change.role,
      staffRoles: change.staffRoles,
      suspended: change.suspended,
      until: change.until,
      sessionsRevoked,
    },
  });
  const isDriver = row.role === 'driver';
  if (isDriver && change.suspended === true)
    await events.record({
      type: 'driver.suspended',
      aggregateType: 'driver',
      aggregateId: row.id,
      actorId,
      payload: { user: toAccessView(row, WEBHOOK_VIEWER) },
    });
  return { row, isDriver };
}

/** Webhooks see what an admin sees. */
const WEBHOOK_VIEWER = { id: '00000000-0000-0000-0000-000000000000', role: 'admin' } as const;

/** After commit: a suspended driver leaves the hot geo index at once (Postgres refuses the claim anyway). */
async function afterCommit(deps: AccessDeps, change: AccessChange, userId: string, isDriver: boolean) {
  if (!change.suspended || !isDriver) return;
  await syncDriverAvailability(deps.hotState, userId, 'offline').catch((err: unknown) =>
    deps.log.warn({ err, userId }, 'hot-state availability sync failed after suspension'),
  );
}

/**
 * An admin changes a user's role or suspends/reinstates the account, in one
 * transaction with its audit row. Users, sessions, drivers and offers are
 * several modules' rows, hence a flow.
 */
export async function changeUserAccess(
  deps: AccessDeps,
  { admin, change }: { admin: AuthUser; change: AccessChange },
): Promise<AccessView> {
  // An admin locking themselves out leaves nobody to undo it.
  if (change.userId === admin.id) throw forbidden('Admins cannot change their own role or suspension');
  const { row, isDriver } = await runUnitOfWork(deps.db, deps.bus, (tx, events) =>
    applyAccessChange(deps, { tx, events }, admin.id, change),
  );
  await afterCommit(deps, change, row.id, isDriver);
  return toAccessView(row, admin);
}

/** The lift job: only the suspension it was scheduled for (a later suspend replaced the job or changed `until`). */
export function registerSuspensionTasks(deps: AccessDeps) {
  deps.jobs.register(liftSuspensionTask, async ({ userId, until }, ctx) => {
    await runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
      const user = await userAccounts.findById(tx, userId);
      if (!user?.suspended_at || user.suspended_until?.toISOString() !== new Date(until).toISOString()) {
        ctx.log.info({ userId }, 'suspension lift skipped: lifted or replaced meanwhile');
        return;
      }
      await applyAccessChange(deps, { tx, events }, null, { userId, suspended: false });
    });
  });
}
