import type { Tx } from '../platform/db/database.js';
import { commissionSplit, type ServiceTariffs } from '../modules/pricing/index.js';
import { invoiceOf, recordServiceSettlement, type ServiceRequestRow } from '../modules/service-requests/index.js';
import { payForJob } from './settle-trip.js';

export interface SettleServiceDeps {
  serviceTariffs: Pick<ServiceTariffs, 'at'>;
  /** Piastres of cash commission a provider wallet may owe (config DRIVER_CREDIT_LIMIT, as for trips). */
  driverCreditLimit: number;
}

/**
 * Issue 18 #6: settles a finished request in the transaction that finished it (`completed`: call-out + approved
 * quote; `declined_quote`: call-out only), through the same ledger moves as a trip (payForJob): wallet pays the
 * provider and the commission goes to the platform, cash leaves the provider owing the commission. Commission
 * is the request's own tariff version's. Card requests are not settled here yet (no service checkout).
 */
export async function settleServiceRequest(deps: SettleServiceDeps, { tx, row }: { tx: Tx; row: ServiceRequestRow }) {
  if (row.payment_method === 'card' || !row.provider_id) return undefined;
  const tariff = await deps.serviceTariffs.at(tx, row.service_type, row.tariff_version);
  if (!tariff) throw new Error(`service tariff ${row.service_type} v${row.tariff_version} missing`);
  const items = await invoiceOf(tx, row);
  const total = items.reduce((sum, item) => sum + item.amount, 0);
  const { commission, driverShare } = commissionSplit(total, tariff.commissionBps);
  const job = {
    reference: `service:${row.id}`,
    payerId: row.customer_id,
    payeeId: row.provider_id,
    paymentMethod: row.payment_method,
    fareKind: 'service_fee' as const,
  };
  const { outcome } = await payForJob(tx, { job, fare: total, commission, creditLimit: deps.driverCreditLimit });
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
