import type { Socket } from 'socket.io';
import { z } from 'zod';
import { AppError, ErrorCode } from '../errors.js';
import type { AuthUser, Grant } from '../http/route-config.js';
import type { Logger } from '../observability/logger.js';
import { databaseFailure } from '../db/transaction.js';
import type { LoadLevel } from '../http/overload.js';

/** What a socket knows about its user (the verified access token). */
export type SocketUser = AuthUser;

/** Everything a handler may need; the socket is the connection that sent the event. */
export interface SocketEventContext {
  socket: Socket;
  user: SocketUser;
  log: Logger;
}

/** API.md: every client event is answered `{ok:true, data}` or `{ok:false, error:{code, message}}`. */
export type AckReply =
  { ok: true; data: unknown } | { ok: false; error: { code: ErrorCode; message: string; details?: unknown } };

export interface SocketEventDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  /** One line for the AsyncAPI document and the typed client. */
  summary: string;
  /** Validates the first argument; a missing argument is validated as `{}`. */
  schema: S;
  /** Roles or staff roles allowed; omitted = any signed-in user. */
  roles?: readonly Grant[];
  /** Old names still accepted for this event while LEGACY_EVENTS is on. */
  legacyNames?: string[];
  /** Safety-critical (sos:trigger): a session re-check that misses the cache reads through the reserved pool. */
  critical?: boolean;
  /**
   * What an overloaded node does with this event (seed: "drop non-critical events when saturated"):
   * `first` (location fixes: the next one replaces it) is shed as soon as the node is over a threshold,
   * `normal` (the default: chat, subscriptions) only when it is twice over, `never` (SOS, session refresh)
   * always runs. A critical event is never shed.
   */
  shedding?: 'first' | 'normal' | 'never';
  handle(ctx: SocketEventContext, payload: z.infer<S>): Promise<unknown> | unknown;
}

export interface ResolvedEvent {
  readonly def: SocketEventDefinition;
  /** The client used a legacy alias. */
  readonly legacy: boolean;
}

/** Client → server events by name; modules register theirs at start-up (chat:send, sos:trigger …). */
export class SocketEventRegistry {
  /** Resolved once at registration: every client event looks its name up here. */
  private readonly events = new Map<string, ResolvedEvent>();
  private readonly legacy = new Map<string, ResolvedEvent>();

  register<S extends z.ZodType>(def: SocketEventDefinition<S>): void {
    if (this.events.has(def.name)) throw new Error(`socket event ${def.name} registered twice`);
    const stored = def as unknown as SocketEventDefinition;
    this.events.set(def.name, { def: stored, legacy: false });
    for (const alias of def.legacyNames ?? []) this.legacy.set(alias, { def: stored, legacy: true });
  }

  /** Every registered event, in registration order (the AsyncAPI document reads this). */
  list(): readonly SocketEventDefinition[] {
    return Array.from(this.events.values(), (resolved) => resolved.def);
  }

  resolve(name: string, legacyOn: boolean): ResolvedEvent | undefined {
    return this.events.get(name) ?? (legacyOn ? this.legacy.get(name) : undefined);
  }

  /** Bounded metric label: registered names only. */
  labelOf(name: string): string {
    return this.events.has(name) || this.legacy.has(name) ? name : 'unknown';
  }
}

const SHED_AT: Record<NonNullable<SocketEventDefinition['shedding']>, ReadonlyArray<LoadLevel>> = {
  first: ['high', 'severe'],
  normal: ['severe'],
  never: [],
};

/** Whether a node at `level` drops this event instead of running it. */
export function isShed(def: SocketEventDefinition, level: LoadLevel): boolean {
  if (def.critical || level === 'normal') return false;
  return SHED_AT[def.shedding ?? 'normal'].includes(level);
}

export function ackOk(data: unknown): AckReply {
  return { ok: true, data: data ?? null };
}

export function ackError(code: ErrorCode, message: string, details?: unknown): AckReply {
  return { ok: false, error: details === undefined ? { code, message } : { code, message, details } };
}

/** Field list in the same shape the HTTP layer uses for VALIDATION_ERROR details. */
export function validationDetails(error: z.ZodError): Array<{ field: string; message: string }> {
  return error.issues.map((i) => ({ field: ['payload', ...i.path.map(String)].join('.'), message: i.message }));
}

/** Never a raw exception to a client (STYLE rule 5): AppErrors keep their code, anything else is INTERNAL. */
export function toAckError(err: unknown, log: Logger, event: string): AckReply {
  if (err instanceof AppError) return ackError(err.code, err.message, err.details);
  const dbFailure = databaseFailure(err);
  if (dbFailure) {
    log.warn({ err: (err as Error).message, event }, dbFailure.message);
    return ackError(dbFailure.code, dbFailure.message, dbFailure.details);
  }
  log.error({ err, event }, 'socket handler failed');
  return ackError(ErrorCode.INTERNAL, 'Internal error');
}
