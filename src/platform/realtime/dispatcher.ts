import type { Counter, Histogram } from 'prom-client';
import type { Socket } from 'socket.io';
import { ErrorCode } from '../errors.js';
import { holdsGrant } from '../http/route-config.js';
import type { FeatureFlags } from '../flags.js';
import type { Logger } from '../observability/logger.js';
import {
  ackError,
  ackOk,
  isShed,
  toAckError,
  validationDetails,
  type AckReply,
  type SocketEventRegistry,
} from './event-registry.js';
import type { LegacyUsageLog } from './legacy.js';
import { SOCKET_ERROR, notifySocket, type SessionManager } from './sessions.js';
import type { SocketLimits } from './socket-limits.js';
import { socketEvents, socketHandlerSeconds } from './socket-metrics.js';
import { assertStorableText } from '../text.js';
import { overloadShedTotal, type LoadGauge } from '../http/overload.js';
import { inSpan, SpanKind, SpanStatusCode } from '../observability/trace-context.js';

export interface DispatcherDeps {
  registry: SocketEventRegistry;
  limits: SocketLimits;
  sessions: SessionManager;
  legacy: LegacyUsageLog;
  flags: FeatureFlags;
  load: LoadGauge;
  log: Logger;
}

type Ack = (reply: AckReply) => void;

/** An event's prom-client children, resolved once: no label object is built, hashed and checked per event. */
interface EventMetrics {
  ok: Counter.Internal;
  seconds: Histogram.Internal<'event'>;
}

/**
 * Every client event goes through here: rate limit, lookup, role, storable text, zod, handler.
 * The answer always reaches the client — through the ack callback, or as
 * `socket:error` when the client passed none — and nothing a client sends
 * can throw out of this function.
 */
export class SocketDispatcher {
  /** By metric label: registered event names and `unknown`, so bounded. */
  private readonly metrics = new Map<string, EventMetrics>();

  constructor(private readonly deps: DispatcherDeps) {}

  /** One catch-all listener per socket (cheaper per connection than one listener per event). */
  attach(socket: Socket): void {
    socket.onAny((event: unknown, ...args: unknown[]) => {
      void this.handle(socket, String(event), args);
    });
  }

  private async handle(socket: Socket, event: string, args: unknown[]): Promise<void> {
    const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as Ack) : undefined;
    const started = performance.now();
    const label = this.deps.registry.labelOf(event);
    // One span per client event (name bounded by the registry), so its DB/Redis calls and logs share a trace.
    const reply = await inSpan(
      `socket ${label}`,
      { kind: SpanKind.SERVER, attributes: { 'smartline.socket.event': label } },
      async (span) => {
        const result = await this.run(socket, event, args[0]).catch((err: unknown) =>
          toAckError(err, this.deps.log, event),
        );
        span?.setAttribute('smartline.ack.code', result.ok ? 'ok' : result.error.code);
        if (!result.ok && result.error.code === ErrorCode.INTERNAL) span?.setStatus({ code: SpanStatusCode.ERROR });
        return result;
      },
    );
    const metrics = this.metricsOf(label);
    if (reply.ok) metrics.ok.inc();
    else socketEvents.inc({ event: label, code: reply.error.code });
    metrics.seconds.observe((performance.now() - started) / 1000);
    if (ack) ack(reply);
    else if (!reply.ok) notifySocket(socket, SOCKET_ERROR, { event, error: reply.error });
    this.deps.sessions.dropIfEnded(socket);
  }

  private metricsOf(label: string): EventMetrics {
    let metrics = this.metrics.get(label);
    if (!metrics) {
      metrics = { ok: socketEvents.labels(label, 'ok'), seconds: socketHandlerSeconds.labels(label) };
      this.metrics.set(label, metrics);
    }
    return metrics;
  }

  private shed(event: string): AckReply {
    overloadShedTotal.inc({ kind: 'socket', source: event });
    const retryAfter = this.deps.load.retryAfterS;
    return ackError(ErrorCode.SERVICE_UNAVAILABLE, 'Server overloaded: event dropped, retry later', {
      retryAfter,
      shed: true,
    });
  }

  private async run(socket: Socket, event: string, payload: unknown): Promise<AckReply> {
    const { registry, limits, flags } = this.deps;
    const verdict = await limits.event(socket.id);
    if (!verdict.allowed)
      return ackError(ErrorCode.RATE_LIMITED, 'Too many events', { retryAfter: verdict.retryAfterS });
    const resolved = registry.resolve(event, flags.isOn('LEGACY_EVENTS'));
    if (!resolved) return ackError(ErrorCode.VALIDATION_ERROR, `Unknown event "${event}"`);
    const { def, legacy } = resolved;
    // Before the session check: a shed event costs the node no database or Redis work.
    if (isShed(def, this.deps.load.level())) return this.shed(def.name);
    const user = await this.deps.sessions.current(socket, { critical: def.critical });
    if (legacy) {
      this.deps.legacy.incoming(this.deps.sessions.legacySeen(socket), {
        socketId: socket.id,
        userId: user.id,
        event,
        replacement: def.name,
      });
    }
    if (def.roles && !holdsGrant(user, def.roles))
      return ackError(ErrorCode.FORBIDDEN, `Requires role ${def.roles.join(' or ')}`);
    // Same rule as HTTP bodies: text Postgres cannot store is a VALIDATION_ERROR ack, not INTERNAL from the handler's
    // SQL.
    assertStorableText({ payload });
    const parsed = def.schema.safeParse(payload ?? {});
    if (!parsed.success)
      return ackError(ErrorCode.VALIDATION_ERROR, 'Invalid payload', validationDetails(parsed.error));
    try {
      return ackOk(await def.handle({ socket, user, log: this.deps.log }, parsed.data));
    } catch (err) {
      return toAckError(err, this.deps.log, def.name);
    }
  }
}
