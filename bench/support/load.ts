/**
 * Load generator in its own process, so it does not steal the event loop of
 * the server it measures. Input: one JSON argument (LoadSpec); output: one
 * JSON line (LoadResult) on stdout.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  method: 'GET' | 'POST';
  path: string;
  connections: number;
  durationS: number;
  /** Stop after this many requests instead of after `durationS`. */
  amount?: number;
  headers?: Record<string, string>;
  body?: string;
  /** File with a JSON array of bearer tokens; each request takes the next one (one-shot tokens). */
  tokensFile?: string;
}

export interface LoadResult {
  requests: number;
  reqPerSec: number;
  p50: number;
  p95: number;
  p99: number;
  /** The same over 2xx answers only: what accepted requests saw while others were refused. */
  okP50: number;
  okP95: number;
  okP99: number;
  /** 2xx answers per second: the throughput a node shedding load (503) actually delivered. */
  okPerSec: number;
  max: number;
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
  tokensUsed?: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const ms = (v: number) => Math.round(v * 100) / 100;

async function main() {
  const spec = JSON.parse(process.argv[2]!) as LoadSpec;
  const tokens: string[] | undefined = spec.tokensFile ? JSON.parse(readFileSync(spec.tokensFile, 'utf8')) : undefined;
  let next = 0;
  const request: Parameters<typeof autocannon>[0]['requests'] extends Array<infer R> | undefined ? R : never = {
    method: spec.method,
    path: spec.path,
    headers: spec.headers ?? {},
    body: spec.body,
  };
  if (tokens) {
    request.setupRequest = (req) => ({
      ...req,
      headers: { ...req.headers, authorization: `Bearer ${tokens[next++ % tokens.length]!}` },
    });
  }
  const latencies: number[] = [];
  const okLatencies: number[] = [];
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationS,
    amount: spec.amount,
    requests: [request],
    timeout: 30,
  });
  instance.on('response', (_client, status, _bytes, responseTime) => {
    latencies.push(responseTime);
    if (status >= 200 && status < 300) okLatencies.push(responseTime);
  });
  const result = await instance;
  const sorted = Float64Array.from(latencies).sort();
  const okSorted = Float64Array.from(okLatencies).sort();
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
  const out: LoadResult = {
    requests: result.requests.total,
    reqPerSec: Math.round(result.requests.total / (result.duration || spec.durationS)),
    p50: ms(percentile(sorted, 50)),
    p95: ms(percentile(sorted, 95)),
    p99: ms(percentile(sorted, 99)),
    okP50: ms(percentile(okSorted, 50)),
    okP95: ms(percentile(okSorted, 95)),
    okP99: ms(percentile(okSorted, 99)),
    okPerSec: Math.round(okLatencies.length / (result.duration || spec.durationS)),
    max: ms(sorted[sorted.length - 1] ?? 0),
    statusCodes,
    errors: result.errors,
    timeouts: result.timeouts,
    tokensUsed: tokens ? next : undefined,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`load generator failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
