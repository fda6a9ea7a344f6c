import { randomBytes } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import type { JobQueue } from '../platform/jobs/queue.js';
import type { HotState } from '../platform/hotstate/index.js';
import type { Tx } from '../platform/db/database.js';
import { runUnitOfWork, type EventRecorder } from '../platform/events/unit-of-work.js';
import { conflict, forbidden, notFound } from '../platform/errors.js';
import type { AuthUser } from '../platform/http/route-config.js';
import { userErasure } from '../modules/users/index.js';
import { ACTIVE_STATUSES, listTripsFor, tripOffers } from '../modules/trips/index.js';
import { forgetDriverCard, driverStates } from '../modules/drivers/index.js';
import { noticeTo, bookingPersonalData } from '../modules/bookings/index.js';
import { providerPersonalData } from '../modules/providers/index.js';
import { recordAudit } from '../platform/audit/audit.repo.js';
import { safetyPersonalData } from '../modules/safety/index.js';
import { notificationPersonalData } from '../modules/notifications/index.js';
import { locationPersonalData } from '../modules/location/index.js';
import { chatPersonalData } from '../modules/chat/index.js';
import { trustPersonalData } from '../modules/trust/index.js';
import { revokeAllSessionsOf, type AuthService, type SessionCache } from '../modules/auth/index.js';
import type { UnitDeps } from './deps.js';

export interface EraseUserDeps extends UnitDeps {
  jobs: JobQueue;
  hotState: HotState;
  /** This node forgets the user's sessions at once; other nodes hear it from Postgres. */
  sessions: Pick<SessionCache, 'forgetUser'>;
  /** 403 unless the password is the user's current one (with the auth module's lockout). */
  auth: Pick<AuthService, 'confirmPassword'>;
}

type Eraser = Pick<AuthUser, 'id' | 'role'>;

/** What replaces erased free text (booking addresses, chat messages): the rows stay for the other party's records. */
const ERASED_TEXT = '[erased]';

async function hasActiveTrip(tx: Tx, user: Eraser): Promise<boolean> {
  for (const status of ACTIVE_STATUSES) {
    const { items } = await listTripsFor(tx, user, { status, limit: 1 });
    if (items.length > 0) return true;
  }
  return false;
}

/** Open bookings on either side are cancelled (the other party is told); in-progress ones block erasure. */
async function releaseBookings(tx: Tx, jobs: JobQueue, events: EventRecorder, userId: string): Promise<number> {
  if ((await bookingPersonalData.countInProgressOf(tx, userId)) > 0)
    throw conflict('A booking is in progress; it must be completed first');
  const cancelled = await bookingPersonalData.cancelOpenOf(tx, userId);
  for (const b of cancelled) {
    await events.record({
      type: 'booking.status_changed',
      aggregateType: 'booking',
      aggregateId: b.id,
      actorId: userId,
      payload: {
        bookingId: b.id,
        customerId: b.customer_id,
        providerId: b.provider_id,
        from: b.previous_status,
        to: 'cancelled',
        by: 'erasure',
        reason: 'account erased',
      },
    });
    const other = b.customer_id === userId ? b.provider_id : b.customer_id;
    await noticeTo(tx, jobs, { row: b, userIds: [other], template: 'booking_cancelled', priority: 'HIGH' });
  }
  await bookingPersonalData.scrubCustomer(tx, userId, ERASED_TEXT);
  await providerPersonalData.deleteProfileOf(tx, userId);
  return cancelled.length;
}

/** Personal data other modules keep about the user: contacts, devices, inbox, positions, chat and rating words. */
async function erasePersonalTraces(tx: Tx, userId: string): Promise<void> {
  await safetyPersonalData.eraseOf(tx, userId);
  await notificationPersonalData.eraseOf(tx, userId);
  await locationPersonalData.eraseOf(tx, userId);
  await chatPersonalData.redactMessagesOf(tx, userId, ERASED_TEXT);
  await trustPersonalData.redactWordsOf(tx, userId, ERASED_TEXT);
}

/**
 * GDPR erasure (DELETE /me) once the password is confirmed, one
 * transaction: refuse while a trip or booking is under way; cancel open bookings; drop the provider profile; take the
 * driver offline; anonymise the user row (name, phone, password); revoke
 * every session; delete contacts, devices, inbox and positions, redact chat
 * text. Trips, ledger rows and bookings stay with valid foreign keys.
 */
export async function eraseUser(
  deps: EraseUserDeps,
  { user, password }: { user: Eraser; password: string },
): Promise<void> {
  await deps.auth.confirmPassword(user.id, password);
  if (user.role === 'admin') throw forbidden('Admin accounts are removed by an operator, not erased from the API');
  // A valid hash of a secret nobody ever learns: the password can never match again.
  const passwordHash = await hash(randomBytes(32).toString('base64url'));
  await runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
    const row = await userErasure.lock(tx, user.id);
    if (!row) throw notFound('User');
    if (await hasActiveTrip(tx, user)) throw conflict('You have an active trip; finish or cancel it first');
    const cancelledBookings = await releaseBookings(tx, deps.jobs, events, user.id);
    if (user.role === 'driver') {
      await driverStates.transition(tx, { userId: user.id, from: ['available', 'offered', 'cooldown'], to: 'offline' });
      await tripOffers.withdrawFromDriver(tx, user.id);
    }
    await userErasure.anonymise(tx, { userId: user.id, passwordHash });
    await erasePersonalTraces(tx, user.id);
    const sessions = await revokeAllSessionsOf(tx, user.id, 'erased');
    await events.record({
      type: 'user.erased',
      aggregateType: 'user',
      aggregateId: user.id,
      actorId: user.id,
      payload: { userId: user.id },
    });
    await recordAudit(tx, {
      actorId: user.id,
      action: 'user.erased',
      targetType: 'user',
      targetId: user.id,
      details: { role: user.role, cancelledBookings, sessionsRevoked: sessions },
    });
  });
  // Hot state is a cache of positions: best effort after commit (it expires on its own anyway).
  deps.sessions.forgetUser(user.id);
  forgetDriverCard(user.id); // other nodes drop the old name within the card TTL
  if (user.role === 'driver') await deps.hotState.removeDriver(user.id).catch(() => {});
}
