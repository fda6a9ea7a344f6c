/**
 * The dispatch bench's issue 18 comparison: on one stack, a battery service
 * request (skill filtering over approved capabilities) alternates with a ride;
 * request → first offer for each.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { seededRandom as seeded } from '../../support/seeded-random.js';
import { distribution } from './stats.js';
import { inject, scatter, seedDrivers, seedUsers, startStack, type Stack } from './dispatch-stack.js';

/**
 * Approved capabilities as the declare + approve paths leave them: a third battery (jump starter), a third tyre,
 * a tenth tow (tow truck), the rest nothing declared.
 */
async function seedCapabilities(stack: Stack, driverIds: string[], rand: () => number) {
  const kinds = driverIds.map(() => rand());
  const pick = (lo: number, hi: number) => driverIds.filter((_, i) => kinds[i]! >= lo && kinds[i]! < hi);
  const groups: Array<[string[], string, string]> = [
    [pick(0, 0.34), 'battery', 'jump_starter'],
    [pick(0.34, 0.67), 'tyre', 'tyre_kit'],
    [pick(0.67, 0.77), 'tow', 'tow_truck'],
  ];
  for (const [ids, skill, tool] of groups)
    await stack.platform.database.pool.query(
      `INSERT INTO provider_capabilities (provider_id, service_types, equipment, status, approved_at)
       SELECT unnest($1::uuid[]), ARRAY[$2], ARRAY[$3], 'approved', now()`,
      [ids, skill, tool],
    );
}

/** POSTs one request and waits for its first offer; ms from the request to that offer. */
async function timeFirstOffer(stack: Stack, url: string, token: string, body: unknown) {
  const started = performance.now();
  const res = await inject(stack.app, 'POST', url, token, body);
  if (res.statusCode !== 201) throw new Error(`request failed: ${res.statusCode} ${res.body}`);
  const id = res.json().data.id as string;
  const deadline = Date.now() + 10_000;
  while (!stack.recorder.firstOfferAt.has(id) && Date.now() < deadline) await sleep(0.2);
  const offeredAt = stack.recorder.firstOfferAt.get(id);
  if (offeredAt === undefined) throw new Error(`no offer for ${id} within 10 s`);
  return offeredAt - started;
}

/** Issue 18: ride and battery service request alternately on one stack → their first-offer distributions. */
export async function measureServiceVsRide(sizes: { DRIVERS: number; REQUESTS: number; WARMUP: number }) {
  const { DRIVERS, REQUESTS, WARMUP } = sizes;
  const stack = await startStack('service', {});
  try {
    const rand = seeded(42);
    const { refresh, drivers } = await seedDrivers(stack, DRIVERS, () => scatter(rand, 0.1));
    await seedCapabilities(
      stack,
      drivers.map((d) => d.id),
      seeded(5),
    );
    const customers = await seedUsers(stack, 'rider', 2 * (REQUESTS + WARMUP), '+2012');
    const ride: number[] = [];
    const service: number[] = [];
    let lastRefresh = Date.now();
    for (let i = 0; i < REQUESTS + WARMUP; i++) {
      if (Date.now() - lastRefresh > 30_000) {
        await refresh();
        lastRefresh = Date.now();
      }
      const pickup = scatter(rand, 0.05);
      const dropoff = { lat: pickup.lat + 0.03, lng: pickup.lng };
      const rideBody = { pickup, dropoff, vehicleClass: 'economy', paymentMethod: 'cash' };
      const r = await timeFirstOffer(stack, '/api/v1/trips', customers[2 * i]!.token, rideBody);
      const breakdown = scatter(rand, 0.05);
      const serviceBody = {
        serviceType: 'battery',
        location: breakdown,
        vehicle: { make: 'Hyundai', model: 'Elantra' },
        paymentMethod: 'cash',
      };
      const s = await timeFirstOffer(stack, '/api/v1/service-requests', customers[2 * i + 1]!.token, serviceBody);
      if (i < WARMUP) continue;
      ride.push(r);
      service.push(s);
    }
    return { ride: distribution(ride), service: distribution(service) };
  } finally {
    await stack.close();
  }
}
