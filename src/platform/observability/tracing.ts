import { register } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { diag, trace, DiagLogLevel } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-node';
import type { Config } from '../../config.js';
import type { Logger } from './logger.js';
import { setTracingActive } from './trace-context.js';

/** How long shutdown waits for the last spans to reach the collector. */
const SHUTDOWN_FLUSH_MS = 2_000;

/** Health checks, scrapes and Socket.IO's transport requests would drown the real traces. */
const UNTRACED_PATHS = /^\/(health\/|metrics|socket\.io\/|api\/docs)/;

export interface Tracing {
  /** Flushes spans still buffered for the exporter, then stops tracing. */
  shutdown(): Promise<void>;
}

/** On with TRACING_ENABLED, or when an OTLP endpoint is configured unless TRACING_ENABLED=false. */
export function tracingEnabled(config: Pick<Config, 'TRACING_ENABLED' | 'OTEL_EXPORTER_OTLP_ENDPOINT'>): boolean {
  return config.TRACING_ENABLED ?? Boolean(config.OTEL_EXPORTER_OTLP_ENDPOINT);
}

/** OTEL_EXPORTER_OTLP_ENDPOINT is the collector's base URL; traces go to /v1/traces under it (OTel spec). */
export function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Registers the module hook, the pg and ioredis instrumentations and the
 * HTTP server spans (http-spans.ts). Must run BEFORE pg and ioredis are
 * imported: the app is ESM, so they are only patched through
 * import-in-the-middle's loader hook, which sees modules loaded after it. Loads nothing at all when tracing is off (no
 * SDK, no hook,
 * no patched modules: no cost). `exporter` replaces OTLP (tests); `log`
 * receives the SDK's own warnings (an unreachable collector, a module loaded too early).
 */
export async function startTracing(
  config: Config,
  opts: { exporter?: SpanExporter; log?: Logger } = {},
): Promise<Tracing | undefined> {
  if (!tracingEnabled(config) && !opts.exporter) return undefined;
  if (opts.log) reportDiagnostics(opts.log);
  const { createAddHookMessageChannel } = await import('import-in-the-middle');
  // Only the modules an instrumentation asks for are wrapped; everything else loads untouched.
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);

  const provider = await createProvider(config, opts.exporter);
  provider.register();
  const instrumentations = await createInstrumentations();
  await waitForAllMessagesAcknowledged();
  setTracingActive(true);
  return {
    async shutdown() {
      setTracingActive(false);
      instrumentations.disable();
      // An unreachable collector would hold the exit through the exporter's retries: drop what is left instead.
      await Promise.race([provider.shutdown(), sleep(SHUTDOWN_FLUSH_MS, undefined, { ref: false })]);
    },
  };
}

function reportDiagnostics(log: Logger) {
  const detail = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : String(a)));
  const quiet = () => {};
  diag.setLogger(
    {
      error: (message, ...args) => log.error({ detail: detail(args) }, `tracing: ${message}`),
      warn: (message, ...args) => log.warn({ detail: detail(args) }, `tracing: ${message}`),
      info: quiet,
      debug: quiet,
      verbose: quiet,
    },
    DiagLogLevel.WARN,
  );
}

async function createProvider(config: Config, testExporter: SpanExporter | undefined) {
  const { NodeTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler } =
    await import('@opentelemetry/sdk-trace-node');
  const { resourceFromAttributes } = await import('@opentelemetry/resources');
  const spanProcessors = [];
  if (testExporter) spanProcessors.push(new SimpleSpanProcessor(testExporter));
  else if (config.OTEL_EXPORTER_OTLP_ENDPOINT) {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
    spanProcessors.push(
      new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(config.OTEL_EXPORTER_OTLP_ENDPOINT) })),
    );
  }
  // No endpoint and no test exporter: spans are still made (ids in logs, context into jobs) but go nowhere.
  return new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': config.OTEL_SERVICE_NAME,
      'deployment.environment.name': config.NODE_ENV,
    }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.TRACING_SAMPLE_RATIO) }),
    spanProcessors,
  });
}

async function createInstrumentations() {
  const { registerInstrumentations } = await import('@opentelemetry/instrumentation');
  const { PgInstrumentation } = await import('@opentelemetry/instrumentation-pg');
  const { IORedisInstrumentation } = await import('@opentelemetry/instrumentation-ioredis');
  const { installServerSpans } = await import('./http-spans.js');
  const instrumentations = [
    // requireParentSpan: the job worker's polling and the location flusher would otherwise emit a root span per query.
    // ignoreConnectSpans: a pool checkout span per query doubles the spans (bench:tracing); a wait for a
    // connection still shows as the gap before the query span.
    new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
    new IORedisInstrumentation({ requireParentSpan: true }),
  ];
  registerInstrumentations({ instrumentations });
  const uninstallServerSpans = installServerSpans(trace.getTracer('smartline-http'), (url) => UNTRACED_PATHS.test(url));
  return {
    disable() {
      uninstallServerSpans();
      for (const instrumentation of instrumentations) instrumentation.disable();
    },
  };
}
