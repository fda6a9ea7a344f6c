import type { ServiceStatus } from './service-requests.repo.js';

/** Who moves a request: its customer, its assigned provider, an admin, or the system (dispatch, timeouts). */
export type ServiceActor = 'customer' | 'provider' | 'admin' | 'system';

export const OPEN_STATUSES: readonly ServiceStatus[] = [
  'searching',
  'assigned',
  'en_route',
  'arrived',
  'quoted',
  'in_progress',
];
export const isOpen = (status: ServiceStatus) => OPEN_STATUSES.includes(status);

/**
 * Every move and who may make it (seed plan: "mechanic must be assigned, requester can only cancel"). A customer
 * cancels anything not yet in progress and approves/declines a quote; work started is stopped only by an admin.
 */
const MOVES: Record<ServiceStatus, Partial<Record<ServiceStatus, readonly ServiceActor[]>>> = {
  searching: { assigned: ['provider'], cancelled: ['customer', 'admin'], no_providers: ['system'] },
  assigned: { en_route: ['provider'], cancelled: ['customer', 'provider', 'admin'] },
  en_route: { arrived: ['provider'], cancelled: ['customer', 'provider', 'admin'] },
  arrived: { quoted: ['provider'], cancelled: ['customer', 'provider', 'admin'] },
  // A revised quote is quoted → quoted and needs a new approval.
  quoted: {
    quoted: ['provider'],
    in_progress: ['provider'],
    declined_quote: ['customer'],
    cancelled: ['customer', 'provider', 'admin'],
  },
  in_progress: { completed: ['provider'], cancelled: ['admin'] },
  completed: {},
  cancelled: {},
  declined_quote: {},
  no_providers: {},
};

export type MoveVerdict = 'ok' | 'not_allowed_actor' | 'invalid_transition';

const everAllowed = (to: ServiceStatus, actor: ServiceActor) =>
  Object.values(MOVES).some((moves) => moves[to]?.includes(actor));

/**
 * Whether `actor` may move a request from `from` to `to` (preconditions such as an approved quote come after).
 * A move the actor may never make is `not_allowed_actor` whatever the status; one they may make, but not from
 * here, is `invalid_transition`.
 */
export function judgeMove(from: ServiceStatus, to: ServiceStatus, actor: ServiceActor): MoveVerdict {
  if (!everAllowed(to, actor)) return 'not_allowed_actor';
  return MOVES[from][to]?.includes(actor) ? 'ok' : 'invalid_transition';
}

/** The statuses `actor` may move a request to from `from`. */
export function movesFrom(from: ServiceStatus, actor: ServiceActor): ServiceStatus[] {
  return (Object.entries(MOVES[from]) as Array<[ServiceStatus, readonly ServiceActor[]]>)
    .filter(([, actors]) => actors.includes(actor))
    .map(([to]) => to);
}
