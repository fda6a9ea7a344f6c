/**
 * A customer stuck on the roadside (issue 18): estimate, request, follow `request_status_changed`, approve the
 * provider's quote in the app and read out the completion code from the request view when the work is done.
 * Roadside customers wait for the outcome (they do not give up like impatient riders).
 */
import { unwrap, type Session } from './client.js';
import type { SimClock } from './clock.js';
import { approvalKey, completionCodeKey } from './roadside-job.js';
import type { OtpBoard } from './rider-agent.js';
import type { PlannedRequest, ServiceType } from './scenario.js';
import type { Stats } from './stats.js';
import { POLL_SIM_MS, StatusWatch } from './status-watch.js';

export interface CustomerContext {
  session: Session;
  clock: SimClock;
  stats: Stats;
  board: OtpBoard;
  /** Starts following `requestId` (socket events move the watch). */
  watch(requestId: string): StatusWatch;
}

const TERMINAL = new Set(['completed', 'cancelled', 'declined_quote', 'no_providers']);
/** A provider is on the job: the customer's view has the completion code to tell them at the end. */
const WITH_PROVIDER = new Set(['assigned', 'en_route', 'arrived', 'quoted', 'in_progress']);
const VEHICLES = [
  { make: 'Hyundai', model: 'Elantra' },
  { make: 'Kia', model: 'Cerato' },
  { make: 'Toyota', model: 'Corolla' },
  { make: 'Chevrolet', model: 'Optra' },
] as const;

export async function requestRoadsideHelp(ctx: CustomerContext, plan: PlannedRequest, serviceType: ServiceType) {
  const requestId = await request(ctx, plan, serviceType);
  await follow(ctx, requestId);
}

async function request(ctx: CustomerContext, plan: PlannedRequest, serviceType: ServiceType): Promise<string> {
  const where = { location: { ...plan.pickup, address: 'Roadside' } };
  const destination = serviceType === 'tow' ? { destination: { ...plan.dropoff, address: 'Garage' } } : {};
  await unwrap(
    ctx.session.api.POST('/api/v1/service-requests/estimate', { body: { serviceType, ...where, ...destination } }),
  );
  const vehicle = VEHICLES[plan.index % VEHICLES.length]!;
  const body = { serviceType, ...where, ...destination, vehicle, paymentMethod: 'cash' as const };
  const sentAt = ctx.clock.now();
  const created = await unwrap(ctx.session.api.POST('/api/v1/service-requests', { body }));
  ctx.stats.roadside.requested(created.id, serviceType, sentAt);
  return created.id;
}

function readRequest(ctx: CustomerContext, requestId: string) {
  return unwrap(ctx.session.api.GET('/api/v1/service-requests/{id}', { params: { path: { id: requestId } } }));
}

/** Until the request ends: hand over the code once a provider has it, approve the quote when it comes. */
async function follow(ctx: CustomerContext, requestId: string): Promise<void> {
  const { clock, board } = ctx;
  const watch = ctx.watch(requestId);
  let lastPoll = clock.now();
  let toldCode = false;
  let approved = false;
  while (!clock.stopped && !TERMINAL.has(watch.status)) {
    const seen = watch.changes;
    if ((!toldCode && WITH_PROVIDER.has(watch.status)) || (!approved && watch.status === 'quoted')) {
      const view = await readRequest(ctx, requestId);
      if (view.completionCode) board.put(completionCodeKey(requestId), view.completionCode);
      toldCode = true;
      if (view.quote?.status === 'pending') await approve(ctx, requestId, view.quote.revision);
      approved = view.quote !== null;
    }
    if (clock.now() - lastPoll >= POLL_SIM_MS) {
      watch.set((await readRequest(ctx, requestId)).status);
      lastPoll = clock.now();
    }
    if (watch.changes !== seen) continue;
    await watch.next(clock, StatusWatch.pollMs(clock));
  }
  if (watch.status === 'no_providers' || watch.status === 'cancelled' || watch.status === 'declined_quote')
    ctx.stats.roadside.ended(requestId, watch.status);
}

async function approve(ctx: CustomerContext, requestId: string, revision: number): Promise<void> {
  const params = { path: { id: requestId } };
  await unwrap(ctx.session.api.POST('/api/v1/service-requests/{id}/quote/approve', { params, body: { revision } }));
  ctx.board.put(approvalKey(requestId), 'approved');
}
