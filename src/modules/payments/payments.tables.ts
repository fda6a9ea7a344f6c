import type { Generated, Selectable } from 'kysely';

/** Table shapes of the payments module (migration 0003); repos narrow the handle to these. */

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
  method: 'wallet' | 'cash';
  outcome: 'paid' | 'payment_failed';
  fare: number;
  commission: number;
  driver_share: number;
  settled_at: Generated<Date>;
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

export type PaymentTables = {
  deposits: DepositsTable;
  provider_events: ProviderEventsTable;
  withdrawals: WithdrawalsTable;
  trip_settlements: TripSettlementsTable;
  finance_alerts: FinanceAlertsTable;
  reconciliation_reports: ReconciliationReportsTable;
};

export type DepositRow = Selectable<DepositsTable>;
export type WithdrawalRow = Selectable<WithdrawalsTable>;
export type SettlementRow = Selectable<TripSettlementsTable>;
export type ReportRow = Selectable<ReconciliationReportsTable>;
