import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiResponse } from '../../support/harness.js';

/**
 * What a well-behaved app does with a 503: wait its Retry-After and try again,
 * a few times. On a loaded 2-core box a burst of requests can wait past the
 * pool's connect timeout; the API answers that with 503 + Retry-After by
 * design, and tests of "exactly one wins" check the outcome a client ends with.
 */
export async function retrying503(
  send: () => Promise<ApiResponse>,
  opts: { attempts?: number; onRetry?: () => void } = {},
): Promise<ApiResponse> {
  const attempts = opts.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    const res = await send();
    if (res.status !== 503 || attempt >= attempts) return res;
    opts.onRetry?.();
    await sleep(Number(res.headers['retry-after'] ?? 1) * 1000);
  }
}
