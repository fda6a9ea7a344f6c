import type { Task } from 'graphile-worker';
import { contextFromCarrier, currentTraceCarrier, inSpan, SpanKind } from '../observability/trace-context.js';

/**
 * A job carries the trace context of the request (or job) that enqueued it:
 * the W3C `traceparent` rides in the stored payload under this key, and the
 * task's span continues that trace. graphile-worker 0.17 has no job metadata
 * column, and the payload is the one thing add_job stores verbatim.
 */
const TRACE_KEY = '_trace';

type Carrier = Record<string, string>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The payload to store: unchanged unless a span is active and the payload is an object. */
export function withTraceCarrier(payload: unknown): unknown {
  if (!isPlainObject(payload)) return payload;
  const carrier = currentTraceCarrier();
  return carrier ? { ...payload, [TRACE_KEY]: carrier } : payload;
}

/** Splits the stored payload back into the task's own payload and the carrier. */
function takeTraceCarrier(stored: unknown): { payload: unknown; carrier: Carrier | undefined } {
  if (!isPlainObject(stored) || !(TRACE_KEY in stored)) return { payload: stored, carrier: undefined };
  const { [TRACE_KEY]: carrier, ...payload } = stored;
  return { payload, carrier: isPlainObject(carrier) ? (carrier as Carrier) : undefined };
}

/**
 * Runs a task in a `job <name>` span whose parent is the enqueuer's span; the
 * task never sees the carrier (also when this node has tracing off).
 */
export function tracedTask(name: string, task: Task): Task {
  return async (stored, helpers) => {
    const { payload, carrier } = takeTraceCarrier(stored);
    const attributes = {
      'messaging.system': 'graphile-worker',
      'messaging.operation.type': 'process',
      'smartline.job.id': helpers.job.id,
      'smartline.job.attempt': helpers.job.attempts,
    };
    await inSpan(
      `job ${name}`,
      { kind: SpanKind.CONSUMER, parent: contextFromCarrier(carrier), attributes },
      async () => {
        await task(payload, helpers);
      },
    );
  };
}
