import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiResponse } from '../../support/harness.js';

/**
 * What a well-behaved app does with a 503: wait its Retry-After and try again,
 * a few times. On a loaded 2-core box a burst of requests can wait past the
 * pool's connect timeout; the API answers that with 503 + Retry-After by
 * design, and tests of "exactly one wins" check the outcome a client ends with. A 409 "this Idempotency-Key is
 * still being processed" is retried the same way: the key of a request that failed is freed moments later.
 */
export async function retrying503(
  send: () => Promise<ApiResponse>,
  opts: { attempts?: number; onRetry?: () => void } = {},
): Promise<ApiResponse> {
  const attempts = opts.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    const res = await send();
    if (!retryable(res) || attempt >= attempts) return res;
    opts.onRetry?.();
    await sleep(Number(res.headers['retry-after'] ?? 1) * 1000);
  }
}

function retryable(res: ApiResponse): boolean {
  if (res.status === 503) return true;
  const code = (res.body as { error?: { code?: string } } | undefined)?.error?.code;
  return res.status === 409 && code === 'IDEMPOTENCY_KEY_IN_USE';
}
