import { runUnitOfWork } from '../platform/events/unit-of-work.js';
import { assertCanPay } from '../modules/ledger/index.js';
import type { Dispatcher } from '../modules/dispatch/index.js';
import type { ServiceTariffs } from '../modules/pricing/index.js';
import {
  insertRequestedService,
  toServiceRequestView,
  type CreateServiceRequest,
  type ServiceViewer,
} from '../modules/service-requests/index.js';
import type { UnitDeps } from './deps.js';

export interface RequestServiceDeps extends UnitDeps {
  serviceTariffs: ServiceTariffs;
  dispatch: Pick<Dispatcher, 'planFirstRound' | 'startServiceSearch' | 'afterServiceRequest'>;
  /** Piastres of cash commission a provider wallet may owe when a request settles (DRIVER_CREDIT_LIMIT). */
  driverCreditLimit: number;
}

/**
 * A customer asks for roadside/mechanic help: price the call-out (and the tow)
 * with the tariff in force, then store the searching request with its event in
 * one transaction, with the dispatch search's first round (issue 18 #2: the
 * same engine as rides). The price recorded is the estimate the customer was shown.
 */
export async function requestService(
  deps: RequestServiceDeps,
  { customer, request }: { customer: ServiceViewer; request: CreateServiceRequest },
) {
  const price = await deps.serviceTariffs.price(request);
  const plan = await deps.dispatch.planFirstRound(
    {
      kind: 'service_request',
      customerId: customer.id,
      point: request.location,
      vehicleClass: null,
      serviceType: request.serviceType,
    },
    'first_accept',
  );
  const { row, firstRound } = await runUnitOfWork(deps.db, deps.bus, async (tx, events) => {
    // Like a wallet trip: a call-out the balance cannot cover is 402 before anyone drives out.
    if (request.paymentMethod === 'wallet') await assertCanPay(tx, customer.id, price.total);
    const inserted = await insertRequestedService(tx, events, {
      customer_id: customer.id,
      service_type: request.serviceType,
      lat: request.location.lat,
      lng: request.location.lng,
      address: request.location.address ?? null,
      vehicle: JSON.stringify(request.vehicle),
      description: request.description ?? null,
      destination_lat: request.destination?.lat ?? null,
      destination_lng: request.destination?.lng ?? null,
      destination_address: request.destination?.address ?? null,
      payment_method: request.paymentMethod,
      tariff_version: price.tariffVersion,
      tow_distance_m: price.towDistanceM,
      estimate_items: JSON.stringify(price.items),
      estimate_total: price.total,
    });
    return { row: inserted, firstRound: await deps.dispatch.startServiceSearch(tx, inserted, { events, plan }) };
  });
  deps.dispatch.afterServiceRequest(row, firstRound);
  return toServiceRequestView(row, customer);
}
