/**
 * The console's API client. The access token lives only in memory; the refresh token is an httpOnly,
 * SameSite=Strict cookie scoped to /api/v1/console/session, so page script can never read it. A 401 refreshes
 * once through that cookie and retries.
 */
export interface Session {
  user: { id: string; name: string; role: string };
  staffRoles: string[];
  accessToken: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The error envelope's `details` (e.g. a refund's `remaining` or support's `limit`). */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

let session: Session | null = null;
const listeners = new Set<(s: Session | null) => void>();

export const currentSession = () => session;
export function onSession(listener: (s: Session | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
function setSession(next: Session | null) {
  session = next;
  for (const l of listeners) l(next);
}

async function sessionCall(method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<Session | null> {
  const res = await fetch(`/api/v1/console/session${path}`, {
    method,
    credentials: 'same-origin',
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status === 204) return null;
  const json = await res.json();
  if (!res.ok) throw new ApiError(res.status, json.error?.code ?? 'INTERNAL', json.error?.message ?? 'failed');
  return json.data as Session;
}

export async function login(phone: string, password: string): Promise<void> {
  setSession(await sessionCall('POST', '', { phone, password }));
}

/** A reload keeps the console signed in through the cookie; no cookie (or an ended session) means sign in. */
export async function resume(): Promise<boolean> {
  try {
    setSession(await sessionCall('POST', '/refresh'));
    return true;
  } catch {
    return false;
  }
}

export async function logout(): Promise<void> {
  await sessionCall('DELETE', '').catch(() => null);
  setSession(null);
}

let refreshing: Promise<boolean> | null = null;

/** `onMeta` receives the envelope's `meta` (a list's `nextCursor`). */
export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  onMeta?: (meta: Record<string, unknown> | undefined) => void,
): Promise<T> {
  const send = () =>
    fetch(`/api/v1${path}`, {
      method,
      headers: {
        ...(session ? { authorization: `Bearer ${session.accessToken}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(method === 'POST' ? { 'idempotency-key': crypto.randomUUID() } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  let res = await send();
  if (res.status === 401 && session) {
    refreshing ??= resume().finally(() => (refreshing = null));
    if (await refreshing) res = await send();
  }
  if (res.status === 204) return undefined as T;
  const json = await res.json();
  if (!res.ok)
    throw new ApiError(
      res.status,
      json.error?.code ?? 'INTERNAL',
      json.error?.message ?? 'failed',
      json.error?.details,
    );
  onMeta?.(json.meta);
  return json.data as T;
}

/**
 * An image (or other bytes) the API serves only with the bearer token: fetched here and handed to the page as an
 * object URL (CSP img-src allows blob:), so no credential is ever put in an image's URL. The caller revokes it.
 */
export async function apiObjectUrl(path: string): Promise<string> {
  const send = () => fetch(path, { headers: session ? { authorization: `Bearer ${session.accessToken}` } : {} });
  let res = await send();
  if (res.status === 401 && session) {
    refreshing ??= resume().finally(() => (refreshing = null));
    if (await refreshing) res = await send();
  }
  if (!res.ok) throw new ApiError(res.status, 'IMAGE_UNAVAILABLE', `image ${res.status}`);
  return URL.createObjectURL(await res.blob());
}
