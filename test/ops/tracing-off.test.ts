// npm test: own process (it checks that no tracer provider or hook was ever installed in the process)
/**
 * Tracing off (the default): startTracing loads nothing. No tracer provider,
 * no context manager, no module hook (pg is not patched), no trace ids in
 * log lines and nothing added to job payloads.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import http from 'node:http';
import { EventEmitter } from 'node:events';
import { context, trace, ProxyTracerProvider } from '@opentelemetry/api';
import { loadConfig } from '../../src/config.js';
import { startTracing, tracingEnabled } from '../../src/platform/observability/tracing.js';
import type { TestApp } from '../../support/harness.js';

class LogCapture extends Writable {
  readonly lines: Array<Record<string, any>> = [];
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) this.lines.push(JSON.parse(line));
    done();
  }
}

describe('tracing off: no SDK, no hooks, no cost', () => {
  const logs = new LogCapture();
  let t: TestApp;

  before(async () => {
    assert.equal(
      await startTracing(
        loadConfig({ NODE_ENV: 'test', TRACING_ENABLED: undefined, OTEL_EXPORTER_OTLP_ENDPOINT: undefined }),
      ),
      undefined,
    );
    const { startTestApp } = await import('../../support/harness.js');
    const { createLogger } = await import('../../src/platform/observability/logger.js');
    t = await startTestApp('tracing_off', { DB_POOL_MAX: '3' }, { log: createLogger('info', {}, logs) });
  });
  after(async () => t.close());

  test('the switch: off by default, on with TRACING_ENABLED or an endpoint, an explicit false wins', () => {
    const cfg = (env: Record<string, string | undefined>) =>
      loadConfig({ NODE_ENV: 'test', TRACING_ENABLED: undefined, OTEL_EXPORTER_OTLP_ENDPOINT: undefined, ...env });
    assert.equal(tracingEnabled(cfg({})), false);
    assert.equal(tracingEnabled(cfg({ TRACING_ENABLED: 'true' })), true);
    assert.equal(tracingEnabled(cfg({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })), true);
    assert.equal(
      tracingEnabled(cfg({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', TRACING_ENABLED: 'false' })),
      false,
    );
  });

  test('no tracer provider or context manager is registered; pg and http are not patched', async () => {
    const provider = trace.getTracerProvider();
    assert.ok(provider instanceof ProxyTracerProvider);
    assert.equal(provider.getDelegate().constructor.name, 'NoopTracerProvider');
    const span = trace.getTracer('probe').startSpan('probe');
    assert.equal(span.isRecording(), false);
    // The no-op context manager does not carry a context into callbacks.
    const key = Symbol('probe');
    context.with(context.active().setValue(key, 1), () => assert.equal(context.active().getValue(key), undefined));
    assert.equal(
      http.Server.prototype.emit,
      EventEmitter.prototype.emit,
      'http.Server#emit is patched for server spans',
    );
    const pg = (await import('pg')).default;
    assert.equal('__wrapped' in pg.Client.prototype.query, false, 'pg.Client#query is wrapped by an instrumentation');
  });

  test('requests log without trace ids and jobs are stored without a trace carrier', async () => {
    const rider = await t.signup('rider');
    const res = await t.api('POST', '/api/v1/sos', { token: rider.accessToken, body: { lat: 30.05, lng: 31.24 } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const requestLines = logs.lines.filter((l) => l.reqId !== undefined);
    assert.ok(requestLines.length > 0);
    assert.ok(requestLines.every((l) => !('traceId' in l)));
    const { rows } = await t.platform.database.pool.query<{ payload: Record<string, unknown> }>(
      `SELECT payload FROM "${t.schema}_jobs"._private_jobs`,
    );
    assert.ok(rows.length > 0, 'SOS queued its deliveries');
    assert.ok(
      rows.every((r) => !('_trace' in r.payload)),
      JSON.stringify(rows),
    );
  });
});
