import { sql } from 'kysely';
import type { DbHandle } from '../../platform/db/database.js';
import type { PaymentTables, ReportRow, SettlementRow } from './payments.tables.js';

const q = (db: DbHandle) => db.withTables<PaymentTables>();

export async function insertFinanceAlert(
  db: DbHandle,
  alert: { kind: string; subjectId: string | null; message: string; details: Record<string, unknown> },
) {
  await q(db)
    .insertInto('finance_alerts')
    .values({
      kind: alert.kind,
      subject_id: alert.subjectId,
      message: alert.message,
      details: JSON.stringify(alert.details),
    })
    .execute();
}

export async function listFinanceAlerts(db: DbHandle, limit: number) {
  return q(db).selectFrom('finance_alerts').selectAll().orderBy('id', 'desc').limit(limit).execute();
}

export async function insertReport(db: DbHandle, report: { ok: boolean; checks: unknown }): Promise<ReportRow> {
  return q(db)
    .insertInto('reconciliation_reports')
    .values({ ok: report.ok, checks: JSON.stringify(report.checks) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function latestReport(db: DbHandle): Promise<ReportRow | undefined> {
  return q(db).selectFrom('reconciliation_reports').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
}

export async function insertSettlement(
  db: DbHandle,
  row: Omit<SettlementRow, 'settled_at' | 'refunded'>,
): Promise<SettlementRow> {
  return q(db).insertInto('trip_settlements').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findSettlement(db: DbHandle, tripId: string): Promise<SettlementRow | undefined> {
  return q(db).selectFrom('trip_settlements').selectAll().where('trip_id', '=', tripId).executeTakeFirst();
}

export interface EarningsRow {
  period: string;
  trips: number;
  cash_trips: number;
  gross: number;
  commission: number;
  net: number;
}

/** A driver's settled trips per local day or ISO week (week = its Monday). */
export async function earningsByPeriod(
  db: DbHandle,
  args: { driverId: string; period: 'day' | 'week'; from: Date; to: Date; timeZone: string },
): Promise<EarningsRow[]> {
  // Literals, not parameters: GROUP BY must see the very same expression as the SELECT list.
  const bucket = sql<string>`to_char(date_trunc(${sql.lit(args.period)}, settled_at AT TIME ZONE
    ${sql.lit(args.timeZone)}), 'YYYY-MM-DD')`;
  return q(db)
    .selectFrom('trip_settlements')
    .select([
      bucket.as('period'),
      sql<number>`count(*)::int`.as('trips'),
      sql<number>`(count(*) FILTER (WHERE method = 'cash' OR outcome = 'payment_failed'))::int`.as('cash_trips'),
      sql<number>`sum(fare)::bigint`.as('gross'),
      sql<number>`sum(commission)::bigint`.as('commission'),
      sql<number>`sum(driver_share)::bigint`.as('net'),
    ])
    .where('driver_id', '=', args.driverId)
    .where('settled_at', '>=', args.from)
    .where('settled_at', '<', args.to)
    .groupBy(bucket)
    .orderBy(bucket)
    .execute();
}

/** [start, end) of a local calendar day; Postgres knows the zone's rules (Egypt's summer time included). */
export async function localDayBounds(db: DbHandle, args: { day: string; timeZone: string }) {
  const { rows } = await sql<{ from: Date; to: Date }>`
    SELECT (${args.day}::date::timestamp AT TIME ZONE ${args.timeZone}) AS "from",
           ((${args.day}::date + 1)::timestamp AT TIME ZONE ${args.timeZone}) AS "to"`.execute(db);
  return rows[0]!;
}

/**
 * Fares the driver collected in cash, settled in [from, to): cash trips and wallet trips whose rider could not
 * pay. The ledger never sees this money, only its commission.
 */
export async function sumCashFares(db: DbHandle, range: { from: Date; to: Date }) {
  const row = await q(db)
    .selectFrom('trip_settlements')
    .select([sql<number>`coalesce(sum(fare), 0)::bigint`.as('amount'), sql<number>`count(*)::int`.as('n')])
    .where((eb) => eb.or([eb('method', '=', 'cash'), eb('outcome', '=', 'payment_failed')]))
    .where('settled_at', '>=', range.from)
    .where('settled_at', '<', range.to)
    .executeTakeFirstOrThrow();
  return { amount: Number(row.amount), count: row.n };
}

/** Settlement totals for reconciliation: all of them, and the wallet trips whose fare moved in the ledger. */
export async function settlementTotals(db: DbHandle) {
  const row = await q(db)
    .selectFrom('trip_settlements')
    .select([
      sql<number>`count(*)::int`.as('settled'),
      sql<number>`(count(*) FILTER (WHERE method = 'wallet' AND outcome = 'paid'))::int`.as('wallet_paid'),
      sql<number>`coalesce(sum(fare) FILTER (WHERE method = 'wallet' AND outcome = 'paid'), 0)::bigint`.as(
        'wallet_paid_fares',
      ),
    ])
    .executeTakeFirstOrThrow();
  return { settled: row.settled, walletPaid: row.wallet_paid, walletPaidFares: Number(row.wallet_paid_fares) };
}

export async function findSettlements(db: DbHandle, tripIds: string[]): Promise<SettlementRow[]> {
  if (tripIds.length === 0) return [];
  return q(db).selectFrom('trip_settlements').selectAll().where('trip_id', 'in', tripIds).execute();
}
