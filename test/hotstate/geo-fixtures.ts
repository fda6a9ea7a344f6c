import {
  haversineM,
  type DriverPositionInput,
  type NearbyDriver,
  type NearestDriversQuery,
} from '../../src/platform/hotstate/index.js';

export const TAHRIR = { lat: 30.0444, lng: 31.2357 };
export const CLASSES = ['economy', 'comfort', 'premium', 'xl'] as const;
const METRES_PER_DEG_LAT = 111_226; // EARTH_RADIUS_M · π/180, close enough for placing fixtures

/** A point `northM` / `eastM` metres from `origin` (flat approximation, fine for fixtures under ~20 km). */
export function offset(origin: { lat: number; lng: number }, northM: number, eastM: number) {
  const lat = origin.lat + northM / METRES_PER_DEG_LAT;
  const lng = origin.lng + eastM / (METRES_PER_DEG_LAT * Math.cos((origin.lat * Math.PI) / 180));
  return { lat, lng };
}

export { seededRandom } from '../../support/seeded-random.js';

export function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

export function driver(
  id: string,
  at: { lat: number; lng: number },
  extra: Partial<DriverPositionInput> = {},
): DriverPositionInput {
  return {
    driverId: id,
    lat: at.lat,
    lng: at.lng,
    heading: null,
    vehicleClass: 'economy',
    available: true,
    at: Date.now(),
    ...extra,
  };
}

/** The reference answer: filter and sort every driver, no index involved. */
export function bruteForceNearest(all: DriverPositionInput[], q: NearestDriversQuery, now: number): NearbyDriver[] {
  const excluded = new Set(q.excludeIds ?? []);
  return all
    .filter((d) => d.at >= now - q.freshWithinMs)
    .filter((d) => q.vehicleClass === undefined || d.vehicleClass === q.vehicleClass)
    .filter((d) => !q.onlyAvailable || d.available)
    .filter((d) => !excluded.has(d.driverId))
    .map((d) => ({
      driverId: d.driverId,
      lat: d.lat,
      lng: d.lng,
      heading: d.heading ?? null,
      vehicleClass: d.vehicleClass,
      distanceM: haversineM(q.lat, q.lng, d.lat, d.lng),
      at: d.at,
    }))
    .filter((d) => d.distanceM <= q.radiusM)
    .sort((a, b) => a.distanceM - b.distanceM || (a.driverId < b.driverId ? -1 : a.driverId > b.driverId ? 1 : 0))
    .slice(0, q.limit);
}

/** `count` drivers scattered ±spreadDeg around `centre`, a share of them stale, busy or of other classes. */
export function randomFleet(
  rand: () => number,
  count: number,
  centre: { lat: number; lng: number },
  spreadDeg: number,
  now: number,
) {
  const fleet: DriverPositionInput[] = [];
  for (let i = 0; i < count; i++) {
    fleet.push({
      driverId: `d${String(i).padStart(5, '0')}`,
      lat: centre.lat + (rand() * 2 - 1) * spreadDeg,
      lng: centre.lng + (rand() * 2 - 1) * spreadDeg,
      heading: rand() < 0.2 ? null : Math.floor(rand() * 360),
      vehicleClass: pick(rand, CLASSES),
      available: rand() < 0.8,
      at: rand() < 0.25 ? now - 120_000 - Math.floor(rand() * 60_000) : now - Math.floor(rand() * 20_000),
    });
  }
  return fleet;
}

export function randomQuery(
  rand: () => number,
  centre: { lat: number; lng: number },
  spreadDeg: number,
  fleet: DriverPositionInput[],
): NearestDriversQuery {
  return {
    lat: centre.lat + (rand() * 2 - 1) * spreadDeg,
    lng: centre.lng + (rand() * 2 - 1) * spreadDeg,
    radiusM: 300 + Math.floor(rand() * 10_000),
    limit: 1 + Math.floor(rand() * 60),
    vehicleClass: rand() < 0.5 ? pick(rand, CLASSES) : undefined,
    freshWithinMs: 60_000,
    onlyAvailable: rand() < 0.6,
    excludeIds: rand() < 0.3 ? Array.from({ length: 5 }, () => pick(rand, fleet).driverId) : undefined,
  };
}
