import {
  context,
  propagation,
  trace,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';

/**
 * The cheap side of tracing: only @opentelemetry/api, which is a no-op until
 * tracing.ts registers an SDK. Every helper here first checks `active`, so
 * with tracing off a log line, a socket event or a job pays one branch.
 */
let active = false;

/** Set by startTracing once the SDK is registered (and back on shutdown). */
export function setTracingActive(on: boolean) {
  active = on;
}

export function isTracingActive() {
  return active;
}

export const tracer = () => trace.getTracer('smartline');

const NO_IDS: Record<string, never> = Object.freeze({});

/** pino mixin: the active span's ids on every log line written inside it. */
export function traceLogMixin(): Record<string, string> {
  if (!active) return NO_IDS;
  const span = trace.getActiveSpan();
  if (!span) return NO_IDS;
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}

/**
 * pino mixinMergeStrategy: pino's default copies the line into the mixin's object; without ids there is nothing to add.
 */
export function traceLogMerge(line: object, ids: object): object {
  return ids === NO_IDS ? line : Object.assign(ids, line);
}

/**
 * Runs `fn` inside a new active span (under `parent`, or the active context);
 * a thrown error marks the span and is rethrown. Without tracing it just calls fn.
 */
export function inSpan<T>(
  name: string,
  opts: { kind?: SpanKind; attributes?: Attributes; parent?: Context },
  fn: (span: Span | undefined) => Promise<T>,
): Promise<T> {
  if (!active) return fn(undefined);
  const parent = opts.parent ?? context.active();
  return tracer().startActiveSpan(
    name,
    { kind: opts.kind ?? SpanKind.INTERNAL, attributes: opts.attributes },
    parent,
    async (span) => {
      try {
        return await fn(span);
      } catch (err) {
        span.recordException(err instanceof Error ? err : String(err));
        span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/** W3C trace context (`traceparent`, maybe `tracestate`) of the active span; undefined without one. */
export function currentTraceCarrier(): Record<string, string> | undefined {
  if (!active || !trace.getActiveSpan()) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ? carrier : undefined;
}

/** The context a carrier written by currentTraceCarrier() continues. */
export function contextFromCarrier(carrier: Record<string, string> | undefined): Context | undefined {
  if (!active || !carrier) return undefined;
  return propagation.extract(ROOT_CONTEXT, carrier);
}

export { SpanKind, SpanStatusCode };

/** HTTP server spans are named by route template (`GET /api/v1/trips/:id`), never by raw URL. */
export function nameRequestSpan(method: string, route: string | undefined) {
  if (!active || !route) return;
  const span = trace.getActiveSpan();
  if (!span?.isRecording()) return;
  span.updateName(`${method} ${route}`);
  span.setAttribute('http.route', route);
}
