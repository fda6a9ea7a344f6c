import type { Db, DbHandle } from '../../platform/db/database.js';
import { withTransaction } from '../../platform/db/transaction.js';
import { conflict, notFound } from '../../platform/errors.js';
import { haversineMeters, type LatLng, type ServiceType } from '../../shared/index.js';
import {
  approveRevision,
  approvedFor,
  approvedServiceTypes,
  findCapabilities,
  saveDeclaration,
  type CapabilitiesRow,
  type DeclaredFields,
} from './capabilities.repo.js';
import type { CapabilitiesDeclaration, ServiceArea } from './capabilities.schema.js';

const toPolygonText = (points: LatLng[]) => `(${points.map((p) => `(${p.lng},${p.lat})`).join(',')})`;

function fromPolygonText(text: string): LatLng[] {
  const numbers = [...text.matchAll(/-?\d+(?:\.\d+)?(?:e-?\d+)?/gi)].map((m) => Number(m[0]));
  const points: LatLng[] = [];
  for (let i = 0; i + 1 < numbers.length; i += 2) points.push({ lng: numbers[i]!, lat: numbers[i + 1]! });
  return points;
}

function declaredFields(input: CapabilitiesDeclaration): DeclaredFields {
  const area = input.serviceArea;
  const circle = area && 'radiusM' in area ? area : undefined;
  return {
    service_types: [...input.serviceTypes].sort(),
    equipment: [...input.equipment].sort(),
    area_lat: circle?.center.lat ?? null,
    area_lng: circle?.center.lng ?? null,
    area_radius_m: circle?.radiusM ?? null,
    area_polygon: area && 'polygon' in area ? toPolygonText(area.polygon) : null,
  };
}

function areaOf(row: CapabilitiesRow): ServiceArea | null {
  if (row.area_radius_m !== null && row.area_lat !== null && row.area_lng !== null)
    return { center: { lat: row.area_lat, lng: row.area_lng }, radiusM: row.area_radius_m };
  return row.area_polygon === null ? null : { polygon: fromPolygonText(row.area_polygon) };
}

export function toCapabilitiesView(row: CapabilitiesRow) {
  return {
    providerId: row.provider_id,
    serviceTypes: row.service_types,
    equipment: row.equipment,
    serviceArea: areaOf(row),
    revision: row.revision,
    status: row.status,
    approvedAt: row.approved_at?.toISOString() ?? null,
    declaredAt: row.declared_at.toISOString(),
  };
}

const sameDeclaration = (row: CapabilitiesRow, fields: DeclaredFields) =>
  JSON.stringify(declaredFieldsOf(row)) === JSON.stringify(fields);
const declaredFieldsOf = (row: CapabilitiesRow): DeclaredFields => ({
  service_types: [...row.service_types].sort(),
  equipment: [...row.equipment].sort(),
  area_lat: row.area_lat,
  area_lng: row.area_lng,
  area_radius_m: row.area_radius_m,
  area_polygon: row.area_polygon === null ? null : toPolygonText(fromPolygonText(row.area_polygon)),
});

/** Skills, equipment and service area a provider declares; dispatch of service requests uses only approved ones. */
export const providerCapabilities = {
  /** A changed declaration is a new pending revision (approval needed again); the same one again changes nothing. */
  async declare(db: Db, providerId: string, input: CapabilitiesDeclaration) {
    const fields = declaredFields(input);
    const row = await withTransaction(db, async (tx) => {
      const current = await findCapabilities(tx, providerId, { lock: true });
      if (current && sameDeclaration(current, fields)) return current;
      return saveDeclaration(tx, providerId, fields);
    });
    return toCapabilitiesView(row);
  },

  async get(db: DbHandle, providerId: string) {
    const row = await findCapabilities(db, providerId);
    if (!row) throw notFound('Capabilities');
    return toCapabilitiesView(row);
  },

  /** The admin approves the revision they reviewed; approving it twice is harmless, an outdated one is 409. */
  async approve(db: Db, args: { providerId: string; revision: number; adminId: string }) {
    const approved = await approveRevision(db, args);
    if (approved) return toCapabilitiesView(approved);
    const row = await findCapabilities(db, args.providerId);
    if (!row) throw notFound('Capabilities');
    if (row.revision !== args.revision)
      throw conflict('The declaration changed since this revision', { currentRevision: row.revision });
    return toCapabilitiesView(row);
  },

  /** Of `providerIds`, those approved for the service whose service area holds the point. */
  async ableToServe(db: DbHandle, args: { providerIds: string[]; serviceType: ServiceType; point: LatLng }) {
    const rows = await approvedFor(db, args);
    const inCircle = (r: (typeof rows)[number]) =>
      r.area_radius_m === null ||
      haversineMeters({ lat: r.area_lat!, lng: r.area_lng! }, args.point) <= r.area_radius_m;
    return new Set(rows.filter(inCircle).map((r) => r.provider_id));
  },

  /** provider → approved service types (a pending re-declaration counts as none until approved). */
  approvedServiceTypes: (db: DbHandle) => approvedServiceTypes(db),
};
