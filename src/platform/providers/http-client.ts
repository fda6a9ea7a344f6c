import { PermanentProviderError, ProviderError } from './errors.js';

/** Statuses that mean "try again later" even though they are 4xx. */
const RETRYABLE_4XX = new Set([408, 425, 429]);

export interface HttpRequest {
  provider: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
  /** POST unless the provider's API says otherwise (Kashier's refund is a PUT). */
  method?: 'POST' | 'PUT';
}

/**
 * Sends to a provider (POST by default) and classifies the outcome: 2xx → parsed JSON body;
 * 4xx (but 408/425/429) → permanent; 5xx, 429, network errors → transient.
 */
export async function postToProvider(req: HttpRequest): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetch(req.url, {
      method: req.method ?? 'POST',
      headers: req.headers,
      body: req.body,
      signal: req.signal,
    });
  } catch (err) {
    if (req.signal.aborted && req.signal.reason instanceof Error) throw req.signal.reason;
    throw new ProviderError(req.provider, `request failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  const text = await res.text().catch(() => '');
  if (res.ok) return (parseJson(text) as Record<string, unknown> | undefined) ?? {};
  const detail = `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`;
  const body = parseJson(text);
  if (res.status >= 400 && res.status < 500 && !RETRYABLE_4XX.has(res.status)) {
    throw new PermanentProviderError(req.provider, detail, res.status, body);
  }
  throw new ProviderError(req.provider, detail, res.status, body);
}

function parseJson(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
