import type { Generated, Selectable } from 'kysely';

/** Table shapes of the payments module (migrations 0003, 0018); repos narrow the handle to these. */

export type DepositStatus = 'pending' | 'failed' | 'credited' | 'held' | 'rejected';
export type WithdrawalStatus = 'pending' | 'review' | 'approved' | 'rejected' | 'expired';

interface DepositsTable {
  id: Generated<string>;
  user_id: string;
  amount: number;
  currency: Generated<string>;
  status: Generated<DepositStatus>;
  provider: Generated<string>;
  provider_transaction_id: string | null;
  review_reason: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  paid_at: Date | null;
}

interface ProviderEventsTable {
  provider: string;
  event: string;
  provider_transaction_id: string;
  order_id: string | null;
  status: string | null;
  amount: number | null;
  currency: string | null;
  payload: unknown;
  outcome: string | null;
  received_at: Generated<Date>;
}

interface WithdrawalsTable {
  id: string;
  driver_id: string;
  amount: number;
  currency: Generated<string>;
  status: WithdrawalStatus;
  hold_transfer_id: string;
  review_reason: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  decision_note: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

interface TripSettlementsTable {
  trip_id: string;
  rider_id: string;
  driver_id: string;
  method: 'wallet' | 'cash' | 'card';
  outcome: 'paid' | 'payment_failed';
  fare: number;
  commission: number;
  driver_share: number;
  settled_at: Generated<Date>;
  /** Refunded (or being refunded) so far; never above `fare` (migration 0019). */
  refunded: Generated<number>;
}

export type CardPaymentStatus = 'pending' | 'paid' | 'failed';

interface CardPaymentsTable {
  id: string;
  trip_id: string | null;
  service_request_id: string | null;
  rider_id: string;
  driver_id: string;
  amount: number;
  commission: number;
  currency: Generated<string>;
  status: Generated<CardPaymentStatus>;
  payment_url: string;
  provider_transaction_id: string | null;
  provider_order_id: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  paid_at: Date | null;
}

export type RefundStatus = 'pending' | 'succeeded' | 'failed';

interface TripRefundsTable {
  id: string;
  trip_id: string | null;
  service_request_id: string | null;
  rider_id: string;
  amount: number;
  currency: Generated<string>;
  reason: string;
  destination: 'wallet' | 'card';
  status: RefundStatus;
  requested_by: string;
  provider_refund_id: string | null;
  failure_reason: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

interface FinanceAlertsTable {
  id: Generated<number>;
  kind: string;
  subject_id: string | null;
  message: string;
  details: unknown;
  created_at: Generated<Date>;
}

interface ReconciliationReportsTable {
  id: Generated<number>;
  ok: boolean;
  checks: unknown;
  ran_at: Generated<Date>;
}

interface CancellationFeesTable {
  trip_id: string;
  rider_id: string;
  driver_id: string;
  amount: number;
  commission: number;
  paid_from: 'wallet' | 'dues';
  waived_by: string | null;
  waived_at: Date | null;
  waive_reason: string | null;
  created_at: Generated<Date>;
}

export type TipStatus = 'pending' | 'paid' | 'failed';

interface TripTipsTable {
  trip_id: string | null;
  service_request_id: string | null;
  rider_id: string;
  driver_id: string;
  amount: number;
  currency: Generated<string>;
  method: Generated<'wallet' | 'card'>;
  status: Generated<TipStatus>;
  /** The Kashier merchantOrderId of a card tip's current attempt. */
  order_id: string | null;
  payment_url: string | null;
  provider_transaction_id: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** Every Kashier order opened for a tip (a retry opens another). */
interface CardTipOrdersTable {
  id: string;
  trip_id: string | null;
  service_request_id: string | null;
  amount: number;
  currency: Generated<string>;
  created_at: Generated<Date>;
}

export type PayoutMethodType = 'bank' | 'mobile_wallet';
export type PayoutStatus = 'pending' | 'paid' | 'failed';

/** Migration 0020. */
interface PayoutMethodsTable {
  user_id: string;
  type: PayoutMethodType;
  iban: string | null;
  holder_name: string | null;
  phone: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

interface PayoutsTable {
  id: string;
  withdrawal_id: string;
  driver_id: string;
  amount: number;
  currency: Generated<string>;
  method_type: PayoutMethodType;
  iban: string | null;
  holder_name: string | null;
  phone: string | null;
  status: Generated<PayoutStatus>;
  bank_reference: string | null;
  failure_reason: string | null;
  decided_by: string | null;
  decided_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export type PaymentTables = {
  cancellation_fees: CancellationFeesTable;
  trip_tips: TripTipsTable;
  card_tip_orders: CardTipOrdersTable;
  payout_methods: PayoutMethodsTable;
  payouts: PayoutsTable;
  deposits: DepositsTable;
  provider_events: ProviderEventsTable;
  withdrawals: WithdrawalsTable;
  trip_settlements: TripSettlementsTable;
  finance_alerts: FinanceAlertsTable;
  reconciliation_reports: ReconciliationReportsTable;
  card_payments: CardPaymentsTable;
  trip_refunds: TripRefundsTable;
};

export type DepositRow = Selectable<DepositsTable>;
export type WithdrawalRow = Selectable<WithdrawalsTable>;
export type SettlementRow = Selectable<TripSettlementsTable>;
export type PayoutMethodRow = Selectable<PayoutMethodsTable>;
export type PayoutRow = Selectable<PayoutsTable>;
export type ReportRow = Selectable<ReconciliationReportsTable>;
export type CancellationFeeRow = Selectable<CancellationFeesTable>;
export type TipRow = Selectable<TripTipsTable>;
export type CardTipOrderRow = Selectable<CardTipOrdersTable>;
export type CardPaymentRow = Selectable<CardPaymentsTable>;
export type RefundRow = Selectable<TripRefundsTable>;
