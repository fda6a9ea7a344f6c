import { createHash, randomBytes } from 'node:crypto';
import type { Db, DbHandle } from '../../platform/db/database.js';
import { conflict, forbidden, notFound } from '../../platform/errors.js';
import {
  TERMINAL_STATUSES,
  driverSummaries,
  getVisibleTrip,
  type TripRow,
  type Viewer,
  tripRecords,
} from '../trips/index.js';
import type { SafetyConfig } from './safety.config.js';
import { findLiveShare, insertShare, revokeShare } from './share.repo.js';
import type { LatestPositions } from './trip-positions.js';

/** Issue 7: random 128-bit tokens, only their SHA-256 is stored. */
const TOKEN_BYTES = 16;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{22}$/;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * A new live link to a trip (random token, only its hash stored), valid for SHARE_TTL_MS or until the trip
 * ends: the rider's "share my trip" and the link an SOS sends to emergency contacts.
 */
export async function issueTripShare(
  db: DbHandle,
  config: ShareDeps['config'],
  share: { tripId: string; createdBy: string },
) {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  const expiresAt = new Date(Date.now() + config.SHARE_TTL_MS);
  await insertShare(db, { ...share, tokenHash: hashToken(token), expiresAt });
  const url = `${config.PUBLIC_BASE_URL.replace(/\/+$/, '')}/api/v1/share/${token}`;
  return { token, url, expiresAt: expiresAt.toISOString() };
}

export interface ShareDeps {
  db: Db;
  config: Pick<SafetyConfig, 'SHARE_TTL_MS' | 'PUBLIC_BASE_URL'>;
  positions: LatestPositions;
}

/**
 * "Share my trip": the rider hands a link to someone without an account; the
 * link shows live status and the last position until the trip ends, the link
 * expires or the rider revokes it.
 */
export class TripShareService {
  constructor(private readonly deps: ShareDeps) {}

  private async ridersTrip(rider: Viewer, tripId: string): Promise<TripRow> {
    const trip = await getVisibleTrip(this.deps.db, tripId, rider);
    if (trip.rider_id !== rider.id) throw forbidden('Only the rider can share this trip');
    return trip;
  }

  async create(rider: Viewer, tripId: string) {
    const trip = await this.ridersTrip(rider, tripId);
    if (TERMINAL_STATUSES.includes(trip.status)) throw conflict(`Trip is ${trip.status}; nothing to share`);
    return issueTripShare(this.deps.db, this.deps.config, { tripId, createdBy: rider.id });
  }

  async revoke(rider: Viewer, tripId: string, token: string) {
    await this.ridersTrip(rider, tripId);
    if (!TOKEN_PATTERN.test(token) || !(await revokeShare(this.deps.db, { tripId, tokenHash: hashToken(token) })))
      throw notFound('Share link');
  }

  /** Public view: nothing identifying the rider; 404 once revoked, expired or the trip is over. */
  async view(token: string) {
    if (!TOKEN_PATTERN.test(token)) throw notFound('Shared trip');
    const share = await findLiveShare(this.deps.db, hashToken(token));
    const trip = share ? await tripRecords.find(this.deps.db, share.trip_id) : undefined;
    if (!share || !trip || TERMINAL_STATUSES.includes(trip.status)) throw notFound('Shared trip');
    const driver = trip.driver_id
      ? (await driverSummaries(this.deps.db, [trip.driver_id])).get(trip.driver_id)
      : undefined;
    const position = trip.driver_id
      ? await this.deps.positions.latest({ tripId: trip.id, driverId: trip.driver_id })
      : null;
    return {
      status: trip.status,
      pickup: { lat: trip.pickup_lat, lng: trip.pickup_lng },
      dropoff: { lat: trip.dropoff_lat, lng: trip.dropoff_lng },
      driver: driver ? { name: driver.name, vehicle: driver.vehicle, rating: driver.rating } : null,
      position: position
        ? { lat: position.lat, lng: position.lng, heading: position.heading, at: new Date(position.at).toISOString() }
        : null,
      updatedAt: trip.updated_at.toISOString(),
      expiresAt: share.expires_at.toISOString(),
    };
  }
}
