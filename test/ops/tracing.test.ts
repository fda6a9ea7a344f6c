// npm test: own process (tracing hooks module loading, so pg must not be loaded before it)
/**
 * Tracing on, in this process, with an in-memory exporter in place of OTLP.
 * The SDK and import-in-the-middle's hook are set up first and the app is
 * imported only afterwards (dynamic imports below): pg and ioredis are ESM
 * imports in the app and are patched only when loaded after the hook, which
 * is exactly what src/main.ts does at start.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { SpanKind } from '@opentelemetry/api';
import { loadConfig } from '../../src/config.js';
import { startTracing, type Tracing } from '../../src/platform/observability/tracing.js';
import type { TestApp } from '../../support/harness.js';

/** Every log line the app writes, parsed. */
class LogCapture extends Writable {
  readonly lines: Array<Record<string, any>> = [];
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) this.lines.push(JSON.parse(line));
    done();
  }
}

async function waitFor<T>(what: string, find: () => T | undefined, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Old or stable database semantic conventions (OTEL_SEMCONV_STABILITY_OPT_IN picks). */
const isDb = (system: string) => (s: ReadableSpan) =>
  s.attributes['db.system'] === system || s.attributes['db.system.name'] === system;
const isPg = isDb('postgresql');

describe('tracing: request, database, logs, jobs and sockets share one trace', () => {
  const exporter = new InMemorySpanExporter();
  const logs = new LogCapture();
  let tracing: Tracing | undefined;
  let t: TestApp;
  let base: string;

  before(async () => {
    tracing = await startTracing(loadConfig({ NODE_ENV: 'test', TRACING_ENABLED: 'true' }), { exporter });
    const { startTestApp } = await import('../../support/harness.js');
    const { createLogger } = await import('../../src/platform/observability/logger.js');
    t = await startTestApp(
      'tracing',
      { TRACING_ENABLED: 'true', DB_POOL_MAX: '5' },
      { log: createLogger('info', {}, logs) },
    );
    await t.platform.jobs.start();
    base = await t.listen();
  });
  after(async () => {
    await t.close();
    await tracing?.shutdown();
  });

  const spans = () => exporter.getFinishedSpans();
  const inTrace = (traceId: string) => spans().filter((s) => s.spanContext().traceId === traceId);

  test('an HTTP request gets a server span with pg spans, log lines and enqueued jobs in its trace', async () => {
    const rider = await t.signup('rider');
    const res = await fetch(`${base}/api/v1/sos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${rider.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ lat: 30.05, lng: 31.24 }),
    });
    assert.equal(res.status, 201, await res.text());
    const requestId = res.headers.get('x-request-id')!;

    const server = await waitFor('the server span', () =>
      spans().find((s) => s.kind === SpanKind.SERVER && s.name === 'POST /api/v1/sos'),
    );
    const traceId = server.spanContext().traceId;
    assert.equal(server.attributes['http.route'], '/api/v1/sos');
    assert.equal(server.attributes['http.response.status_code'] ?? server.attributes['http.status_code'], 201);

    const pgSpans = inTrace(traceId).filter(isPg);
    assert.ok(
      pgSpans.length > 0,
      `no pg span in the request's trace; spans: ${spans()
        .map((s) => s.name)
        .join(', ')}`,
    );
    assert.ok(
      pgSpans.some((s) => String(s.attributes['db.statement'] ?? s.attributes['db.query.text']).includes('sos_alerts')),
      'the INSERT into sos_alerts is traced',
    );

    const requestLines = logs.lines.filter((l) => l.reqId === requestId);
    assert.ok(requestLines.length >= 2, `request log lines: ${JSON.stringify(requestLines)}`);
    for (const line of requestLines)
      assert.equal(line.traceId, traceId, `log line without the trace id: ${JSON.stringify(line)}`);

    // SOS fans out through queued delivery jobs: they run in the worker under the request's trace.
    const job = await waitFor('a job span in the request trace', () =>
      inTrace(traceId).find((s) => s.name.startsWith('job ')),
    );
    assert.equal(job.kind, SpanKind.CONSUMER);
    assert.ok(
      inTrace(traceId).some((s) => isPg(s) && s.parentSpanContext?.spanId === job.spanContext().spanId),
      "the job's own queries are under its span",
    );
    // Rate limits, room logs and the socket adapter use ioredis when Redis is configured (CI's second pass).
    if (t.config.REDIS_URL)
      assert.ok(inTrace(traceId).some(isDb('redis')), 'ioredis commands are in the request trace');
    if (process.env.TRACE_DEBUG)
      for (const s of inTrace(traceId))
        process.stderr.write(`${s.name} ${s.spanContext().spanId} <- ${s.parentSpanContext?.spanId}\n`);
  });

  test("a caller's traceparent is continued: the server span joins its trace", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const callerSpanId = '00f067aa0ba902b7';
    const rider = await t.signup('rider');
    const res = await fetch(`${base}/api/v1/notifications`, {
      headers: { authorization: `Bearer ${rider.accessToken}`, traceparent: `00-${traceId}-${callerSpanId}-01` },
    });
    assert.equal(res.status, 200, await res.text());
    const server = await waitFor('the server span', () => inTrace(traceId).find((s) => s.kind === SpanKind.SERVER));
    assert.equal(server.parentSpanContext?.spanId, callerSpanId);
    assert.equal(server.name, 'GET /api/v1/notifications');
  });

  test('health checks and metrics scrapes are not traced', async () => {
    const before = spans().length;
    assert.equal((await fetch(`${base}/health/live`)).status, 200);
    await sleep(100);
    assert.equal(
      spans()
        .slice(before)
        .filter((s) => s.kind === SpanKind.SERVER).length,
      0,
    );
  });

  test('a socket event gets its own span, with its database work and the jobs it enqueues in the trace', async () => {
    const rider = await t.signup('rider');
    const socket = await t.connectSocket(rider.accessToken);
    const reply = await socket.timeout(5_000).emitWithAck('sos:trigger', { lat: 30.05, lng: 31.24 });
    assert.equal(reply.ok, true, JSON.stringify(reply));

    const span = await waitFor('the socket span', () => spans().find((s) => s.name === 'socket sos:trigger'));
    assert.equal(span.kind, SpanKind.SERVER);
    assert.equal(span.attributes['smartline.ack.code'], 'ok');
    const traceId = span.spanContext().traceId;
    assert.ok(inTrace(traceId).some(isPg), "the handler's queries are in the socket event's trace");
    await waitFor('a job span in the socket trace', () => inTrace(traceId).find((s) => s.name.startsWith('job ')));
  });
});
