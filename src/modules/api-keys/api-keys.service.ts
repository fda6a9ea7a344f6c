import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../platform/db/database.js';
import { isUniqueViolation } from '../../platform/db/transaction.js';
import { AppError, ErrorCode, notFound } from '../../platform/errors.js';
import { decodeCursor, pageOf } from '../../platform/http/cursor.js';
import { API_SCOPES, type ApiKeyPrincipal, type ApiScope } from '../../platform/http/route-config.js';
import type { Logger } from '../../platform/observability/logger.js';
import {
  findApiKey,
  findApiKeyByPrefix,
  insertApiKey,
  listApiKeys,
  revokeApiKey,
  touchApiKey,
  type ApiKeyRow,
} from './api-keys.repo.js';

/** `sl_live_<12 hex prefix>_<43 base64url chars = 256 random bits>`; the prefix finds the row. */
const KEY_FORMAT = /^sl_live_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
const PREFIX_BYTES = 6;
const SECRET_BYTES = 32;
/** last_used_at is an operator's hint ("is this key still in use?"): minute resolution spares a write per request. */
export const LAST_USED_RESOLUTION_MS = 60_000;

export interface ApiKeyView {
  id: string;
  name: string;
  scopes: ApiScope[];
  prefix: string;
  createdBy: string | null;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/**
 * SHA-256, not a password hash: the secret is 256 random bits, so a leaked
 * hash cannot be brute-forced whatever the hash speed, while a slow KDF
 * (argon2) would add tens of milliseconds to every integrator request.
 */
const hashKey = (key: string) => createHash('sha256').update(key).digest();

const knownScopes = (scopes: string[]) =>
  scopes.filter((s): s is ApiScope => (API_SCOPES as readonly string[]).includes(s));

function toView(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    scopes: knownScopes(row.scopes),
    prefix: row.prefix,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
  };
}

const invalidKey = () => new AppError(ErrorCode.UNAUTHENTICATED, 'Invalid API key');

/** Integrator API keys: issued by admins, shown once, verified on every `X-API-Key` request. */
export class ApiKeyService {
  private readonly lastTouched = new Map<string, number>();

  constructor(private readonly deps: { db: Db; log: Logger }) {}

  /** The full key is in this answer only; it is never stored nor shown again. */
  async create(adminId: string, input: { name: string; scopes: ApiScope[] }): Promise<ApiKeyView & { key: string }> {
    const scopes = [...new Set(input.scopes)];
    for (let attempt = 1; ; attempt++) {
      const prefix = randomBytes(PREFIX_BYTES).toString('hex');
      const key = `sl_live_${prefix}_${randomBytes(SECRET_BYTES).toString('base64url')}`;
      try {
        const row = await insertApiKey(this.deps.db, {
          name: input.name,
          scopes,
          prefix,
          hash: hashKey(key).toString('hex'),
          createdBy: adminId,
        });
        return { ...toView(row), key };
      } catch (err) {
        // 48-bit prefixes practically never collide; if one does, draw again.
        if (!isUniqueViolation(err) || attempt >= 3) throw err;
      }
    }
  }

  async list(query: { limit: number; cursor?: string }): Promise<{ items: ApiKeyView[]; nextCursor: string | null }> {
    const after = decodeCursor(query.cursor);
    const rows = await listApiKeys(this.deps.db, {
      limit: query.limit,
      after: after && { at: after.at, id: after.id },
    });
    const { page, nextCursor } = pageOf(rows, query.limit);
    return { items: page.map(toView), nextCursor };
  }

  /** Idempotent: revoking a revoked key answers the same key. */
  async revoke(adminId: string, id: string): Promise<ApiKeyView> {
    const row = (await findApiKey(this.deps.db, id)) && (await revokeApiKey(this.deps.db, id, adminId));
    if (!row) throw notFound('API key');
    return toView(row);
  }

  /** 401 for anything but a live key whose hash matches; the key's principal otherwise. */
  async verify(raw: string): Promise<ApiKeyPrincipal> {
    const match = KEY_FORMAT.exec(raw);
    if (!match) throw invalidKey();
    const row = await findApiKeyByPrefix(this.deps.db, match[1]!);
    if (!row || !timingSafeEqual(Buffer.from(row.hash, 'hex'), hashKey(raw))) throw invalidKey();
    if (row.revoked_at) throw new AppError(ErrorCode.UNAUTHENTICATED, 'API key revoked');
    this.touch(row.id);
    return { id: row.id, name: row.name, scopes: knownScopes(row.scopes), createdBy: row.created_by };
  }

  /** At most one last_used_at write per key per minute per node (and the SQL skips fresh stamps from other nodes). */
  private touch(id: string) {
    const now = Date.now();
    if (now - (this.lastTouched.get(id) ?? 0) < LAST_USED_RESOLUTION_MS) return;
    this.lastTouched.set(id, now);
    touchApiKey(this.deps.db, id, LAST_USED_RESOLUTION_MS).catch((err: unknown) =>
      this.deps.log.warn({ err, apiKeyId: id }, 'api key last_used_at not stamped'),
    );
  }
}
