import type { Tx } from '../platform/db/database.js';
import { commissionSplit, type ServiceTariffs } from '../modules/pricing/index.js';
import { serviceSubject, type CardCheckout } from '../modules/payments/index.js';
import { invoiceOf, recordServiceSettlement, type ServiceRequestRow } from '../modules/service-requests/index.js';
import { payForJob } from './settle-trip.js';

export interface SettleServiceDeps {
  serviceTariffs: Pick<ServiceTariffs, 'at'>;
  /** Piastres of cash commission a provider wallet may owe (config DRIVER_CREDIT_LIMIT, as for trips). */
  driverCreditLimit: number;
  /** Opens the Kashier order of a card request, as for card trips (its webhook settles the money later). */
  cardCheckout: CardCheckout;
}

/**
 * Issue 18 #6: settles a finished request in the transaction that finished it (`completed`: call-out + approved
 * quote; `declined_quote`: call-out only), through the same ledger moves as a trip (payForJob): wallet pays the
 * provider and the commission goes to the platform, cash leaves the provider owing the commission. A card
 * request opens its Kashier order here and keeps a `pending` settlement until the webhook (or the 30-minute
 * deadline, into the customer's dues) closes it, as card trips do. Commission is the request's own tariff
 * version's.
 */
export async function settleServiceRequest(deps: SettleServiceDeps, { tx, row }: { tx: Tx; row: ServiceRequestRow }) {
  if (!row.provider_id) return undefined;
  const tariff = await deps.serviceTariffs.at(tx, row.service_type, row.tariff_version);
  if (!tariff) throw new Error(`service tariff ${row.service_type} v${row.tariff_version} missing`);
  const items = await invoiceOf(tx, row);
  const total = items.reduce((sum, item) => sum + item.amount, 0);
  const { commission, driverShare } = commissionSplit(total, tariff.commissionBps);
  const outcome =
    row.payment_method === 'card'
      ? await openCardPayment(deps, tx, { row, providerId: row.provider_id, total, commission })
      : await payInLedger(deps, tx, { row, providerId: row.provider_id, total, commission });
  await recordServiceSettlement(tx, {
    request_id: row.id,
    customer_id: row.customer_id,
    provider_id: row.provider_id,
    method: row.payment_method,
    outcome,
    items,
    total,
    commission_bps: tariff.commissionBps,
    commission,
    provider_share: driverShare,
  });
  return { outcome, total, commission };
}

interface Charge {
  row: ServiceRequestRow;
  providerId: string;
  total: number;
  commission: number;
}

async function payInLedger(deps: SettleServiceDeps, tx: Tx, c: Charge) {
  const job = {
    reference: `service:${c.row.id}`,
    payerId: c.row.customer_id,
    payeeId: c.providerId,
    paymentMethod: c.row.payment_method,
    fareKind: 'service_fee' as const,
  };
  const fare = c.total;
  const { outcome } = await payForJob(tx, { job, fare, commission: c.commission, creditLimit: deps.driverCreditLimit });
  return outcome;
}

/** Nothing moves until the customer pays on Kashier's page; a free invoice has nothing to pay. */
async function openCardPayment(deps: SettleServiceDeps, tx: Tx, c: Charge) {
  if (c.total === 0) return 'paid' as const;
  const charge = { subject: serviceSubject(c.row.id), riderId: c.row.customer_id, driverId: c.providerId };
  await deps.cardCheckout.open(tx, { ...charge, fare: c.total, commission: c.commission });
  return 'pending' as const;
}
