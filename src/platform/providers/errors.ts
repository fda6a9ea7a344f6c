/**
 * Provider failures in two kinds: transient (network, timeout, 5xx, 429 —
 * retry later, counts against the circuit breaker) and permanent (the provider
 * answered and refused the request, e.g. an invalid number — retrying cannot
 * help and the provider is healthy, so the breaker ignores it).
 */
export class ProviderError extends Error {
  constructor(
    readonly provider: string,
    message: string,
    readonly status?: number,
    /** The provider's parsed JSON error body, when it sent one (adapters read provider error codes from it). */
    readonly body?: unknown,
  ) {
    super(`${provider}: ${message}`);
    this.name = 'ProviderError';
  }
}

export class PermanentProviderError extends ProviderError {
  constructor(provider: string, message: string, status?: number, body?: unknown) {
    super(provider, message, status, body);
    this.name = 'PermanentProviderError';
  }
}

/**
 * The provider says the address no longer exists (FCM `UNREGISTERED`: the app
 * was uninstalled or the token rotated). Permanent, and the caller should
 * forget the address so nothing is sent to it again.
 */
export class RecipientGoneError extends PermanentProviderError {
  constructor(provider: string, message: string, status?: number) {
    super(provider, message, status);
    this.name = 'RecipientGoneError';
  }
}

export function isRecipientGoneError(err: unknown): err is RecipientGoneError {
  return err instanceof RecipientGoneError;
}

export class ProviderTimeoutError extends ProviderError {
  constructor(provider: string, timeoutMs: number) {
    super(provider, `timed out after ${timeoutMs} ms`);
    this.name = 'ProviderTimeoutError';
  }
}

export function isPermanentProviderError(err: unknown): err is PermanentProviderError {
  return err instanceof PermanentProviderError;
}

/** opossum rejects with code EOPENBREAKER while a breaker is open (fail fast, nothing was sent). */
export function isBreakerOpenError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'EOPENBREAKER';
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
