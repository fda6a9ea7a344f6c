/**
 * What a money row (card payment, refund, tip) is for: a trip or a service request (issue 18 #6). The ledger
 * reference `trip:<id>` / `service:<id>` prefixes every transfer id, so a replay finds the first transfer.
 */
export type MoneySubject = { kind: 'trip'; id: string } | { kind: 'service'; id: string };

export const tripSubject = (id: string): MoneySubject => ({ kind: 'trip', id });
export const serviceSubject = (id: string): MoneySubject => ({ kind: 'service', id });

export const subjectReference = (s: MoneySubject) => `${s.kind}:${s.id}`;

/** The row's two subject columns, exactly one of them set (the tables' CHECK `num_nonnulls(...) = 1`). */
export function subjectColumns(s: MoneySubject): { trip_id: string | null; service_request_id: string | null } {
  return s.kind === 'trip' ? { trip_id: s.id, service_request_id: null } : { trip_id: null, service_request_id: s.id };
}

export function subjectOf(row: { trip_id: string | null; service_request_id: string | null }): MoneySubject {
  if (row.trip_id) return tripSubject(row.trip_id);
  if (row.service_request_id) return serviceSubject(row.service_request_id);
  throw new Error('money row without a trip or service request');
}

/** The column that holds a subject's id, for lookups by subject. */
export const subjectColumn = (s: MoneySubject): 'trip_id' | 'service_request_id' =>
  s.kind === 'trip' ? 'trip_id' : 'service_request_id';
