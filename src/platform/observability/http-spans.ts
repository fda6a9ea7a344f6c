import http from 'node:http';
import { context, propagation, trace, ROOT_CONTEXT, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';

type Emit = (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;

/**
 * Server spans for incoming HTTP requests: W3C `traceparent` in, one SERVER
 * span per request made active for everything the request runs, ended when
 * the response closes. Named `METHOD /route` by the HTTP platform once Fastify
 * has routed (nameRequestSpan). Patches http.Server#emit('request') the way
 * @opentelemetry/instrumentation-http does, without its per-listener
 * context binding and attribute work, which cost more than the rest of
 * tracing together on this stack (see bench/tracing.bench.ts).
 */
export function installServerSpans(tracer: Tracer, ignore: (url: string) => boolean): () => void {
  const original = http.Server.prototype.emit as Emit;
  const traced = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event !== 'request') return original.call(this, event, ...args);
    const req = args[0] as http.IncomingMessage;
    const res = args[1] as http.ServerResponse;
    if (ignore(req.url ?? '')) return original.call(this, event, ...args);
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const method = req.method ?? 'GET';
    const span = tracer.startSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': method,
          'url.path': (req.url ?? '/').split('?', 1)[0],
          'url.scheme': 'http',
          'network.protocol.version': req.httpVersion,
        },
      },
      parent,
    );
    res.once('close', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      else if (!res.writableFinished) span.setAttribute('error.type', 'aborted');
      span.end();
    });
    return context.with(trace.setSpan(parent, span), () => original.call(this, event, ...args));
  } as Emit;
  http.Server.prototype.emit = traced as typeof http.Server.prototype.emit;
  return () => {
    if ((http.Server.prototype.emit as Emit) === traced)
      http.Server.prototype.emit = original as typeof http.Server.prototype.emit;
  };
}
