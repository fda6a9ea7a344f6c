import type { Locale } from '../../shared/index.js';
import { hash, verify } from '@node-rs/argon2';
import type { Db } from '../../platform/db/database.js';
import { withTransaction, isUniqueViolation } from '../../platform/db/transaction.js';
import { AppError, ErrorCode, conflict } from '../../platform/errors.js';
import type { AuthUser, Role } from '../../platform/http/route-config.js';
import type { Logger } from '../../platform/observability/logger.js';
import { normalizePhone, toPublicUser, type UserRow, userAccounts } from '../users/index.js';
import { KeyRing, newRefreshToken, hashRefreshToken } from './tokens.js';
import type { SessionAccess, SessionCache } from './session-cache.js';
import { FailureLockout } from '../../platform/failure-lockout.js';
import { LookupGate, type BatchLoader } from '../../platform/db/lookup-gate.js';
import type { LimiterFactory } from '../../platform/http/rate-limit.js';
import {
  consumeRefreshToken,
  findRefreshToken,
  findSession,
  findSessionAccess,
  findSessionsAccess,
  insertRefreshToken,
  insertSession,
  revokeSession,
} from './auth.repo.js';

export interface AuthSettings {
  keyRing: KeyRing;
  accessTtlS: number;
  refreshTtlS: number;
  /** Per-phone lockout with growing blocks; what stops guessing one account's password from many IPs. */
  loginLockout?: FailureLockout;
  /** The reserved pool a safety-critical request (SOS) reads its session through when the cache misses. */
  criticalDb?: Db;
}

const INVALID_CREDENTIALS = 'Invalid phone or password';
/** Batched session reads running at once: a fleet's re-checks stay off most of the pool. */
const SESSION_READS_AT_ONCE = 2;

type SessionAccessRow = NonNullable<Awaited<ReturnType<typeof findSessionAccess>>>;

/** A session row with the cache generation seen before its query was sent (SessionCache.remember). */
interface SessionRead {
  row: SessionAccessRow;
  generation: number;
}
let dummyHash: Promise<string> | undefined;

function requirePhone(input: string): string {
  const phone = normalizePhone(input);
  if (!phone)
    throw new AppError(
      ErrorCode.VALIDATION_ERROR,
      'phone must be a mobile number: international (+…) or national in PHONE_REGION',
      [{ field: 'body.phone', message: 'not a valid mobile number' }],
    );
  return phone;
}

/**
 * Attempts per phone are counted over this window (rate-limiter-flexible's login-protection recipe uses 15 min too).
 */
const LOGIN_WINDOW_S = 15 * 60;

/** Per-phone (and per-user re-auth) lockout with doubling blocks, in the app's shared limiter store. */
export function createLoginLockout(
  limits: LimiterFactory,
  policy: { freeAttempts: number; baseBlockS: number; maxBlockS: number },
): FailureLockout {
  return new FailureLockout(
    (points, durationS, role) => limits(role === 'attempts' ? 'loginAttempts' : 'loginStrikes', points, durationS),
    {
      ...policy,
      windowS: LOGIN_WINDOW_S,
      code: ErrorCode.RATE_LIMITED,
      message: 'Too many failed sign-in attempts for this account; try again later',
    },
  );
}

export class AuthService {
  constructor(
    private readonly db: Db,
    private readonly settings: AuthSettings,
    private readonly log: Logger,
    /** Sessions known alive on this node; without it every request reads Postgres. */
    private readonly sessions?: SessionCache,
  ) {
    this.sessionReads = new LookupGate(SESSION_READS_AT_ONCE, log).loader('sessions', async (ids) => {
      const generation = this.sessions?.generation ?? 0;
      const rows = await findSessionsAccess(db, ids);
      return new Map(rows.map(({ id, ...row }) => [id, { row, generation }]));
    });
  }

  /**
   * Cache misses of many sockets or requests at once (a fleet whose cached sessions expired together) share one
   * query per batch instead of one each through the pool.
   */
  private readonly sessionReads: BatchLoader<SessionRead>;

  private async issueTokens(db: Db, user: UserRow, sessionId: string) {
    const refresh = newRefreshToken();
    await insertRefreshToken(db, { hash: refresh.hash, sessionId, ttlS: this.settings.refreshTtlS });
    const access = await this.settings.keyRing.sign(
      { sub: user.id, role: user.role, sid: sessionId },
      this.settings.accessTtlS,
    );
    return { accessToken: access.token, refreshToken: refresh.token };
  }

  private async startSession(user: UserRow) {
    return withTransaction(this.db, async (tx) => this.issueTokens(tx, user, await insertSession(tx, user.id)));
  }

  async signup(input: { phone: string; password: string; name: string; role: Role; locale: Locale }) {
    const phone = requirePhone(input.phone);
    const passwordHash = await hash(input.password);
    try {
      const { name, role, locale } = input;
      const user = await userAccounts.insert(this.db, { phone, name, role, locale, passwordHash });
      const tokens = await this.startSession(user);
      return { user: toPublicUser(user, { id: user.id, role: user.role }), ...tokens };
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict('Phone already registered');
      throw err;
    }
  }

  async login(input: { phone: string; password: string }) {
    const phone = normalizePhone(input.phone);
    // An unknown phone locks the same way, so a lock tells nothing about who is registered.
    const user = await this.checkPassword({
      lockKey: `phone:${phone ?? input.phone.slice(0, 32)}`,
      password: input.password,
      failure: new AppError(ErrorCode.UNAUTHENTICATED, INVALID_CREDENTIALS),
      find: async () => (phone ? userAccounts.findByPhone(this.db, phone) : undefined),
    });
    // Told only to whoever knows the password: it does not reveal that a phone is registered.
    if (user.suspended_at) throw new AppError(ErrorCode.FORBIDDEN, 'Account suspended');
    const tokens = await this.startSession(user);
    return { user: toPublicUser(user, { id: user.id, role: user.role }), ...tokens };
  }

  /**
   * The attempt is counted by the lockout before the password is checked (429
   * while locked); the same argon2 work is done whether or not the user exists.
   */
  private async checkPassword(args: {
    lockKey: string;
    password: string;
    failure: AppError;
    find: () => Promise<UserRow | undefined>;
  }): Promise<UserRow> {
    const attempt = await this.settings.loginLockout?.begin(args.lockKey);
    const user = await args.find();
    dummyHash ??= hash('not-a-real-password');
    const ok = await verify(user?.password_hash ?? (await dummyHash), args.password);
    if (!user || !ok) {
      const lockedForS = await attempt?.failed();
      if (lockedForS) throw this.settings.loginLockout!.lockedFor(lockedForS);
      throw args.failure;
    }
    await attempt?.succeeded();
    return user;
  }

  /**
   * Re-authentication for destructive acts (DELETE /me): 403 unless `password`
   * is the user's current one (403, not 401: the token is fine, and a 401
   * would send clients into a refresh-and-retry loop).
   */
  async confirmPassword(userId: string, password: string): Promise<void> {
    // Its own lock key: a stolen access token must not become an unlimited password oracle either.
    const failure = new AppError(ErrorCode.FORBIDDEN, 'Confirm with your current password');
    await this.checkPassword({
      lockKey: `user:${userId}`,
      password,
      failure,
      find: () => userAccounts.findById(this.db, userId),
    });
  }

  /** Rotates the refresh token; presenting a used one revokes its whole family. */
  async refresh(refreshToken: string) {
    const tokenHash = hashRefreshToken(refreshToken);
    const result = await withTransaction(this.db, async (tx) => {
      const consumed = await consumeRefreshToken(tx, tokenHash);
      if (!consumed) return { reused: await findRefreshToken(tx, tokenHash) };
      const session = await findSession(tx, consumed.session_id);
      const user = session && !session.revoked_at ? await userAccounts.findById(tx, session.user_id) : undefined;
      if (!session || !user || user.suspended_at) return { reused: undefined };
      return { user, tokens: await this.issueTokens(tx, user, session.id) };
    });
    if ('tokens' in result && result.tokens && result.user) {
      return { user: toPublicUser(result.user, { id: result.user.id, role: result.user.role }), ...result.tokens };
    }
    if ('reused' in result && result.reused?.used_at) {
      await this.endSession(result.reused.session_id, 'refresh_token_reuse');
      this.log.warn({ sessionId: result.reused.session_id }, 'refresh token reuse: session revoked');
    }
    throw new AppError(ErrorCode.UNAUTHENTICATED, 'Invalid refresh token');
  }

  async logout(user: AuthUser) {
    await this.endSession(user.sessionId, 'logout');
  }

  /** Other nodes hear of it from Postgres (migration 0013); this one forgets at once. */
  private async endSession(sessionId: string, reason: string) {
    await revokeSession(this.db, sessionId, reason);
    this.sessions?.forget(sessionId);
  }

  /** Verifies signature/expiry, then that the session is still alive (logout, reuse, erasure, suspension). */
  async verifyAccessToken(token: string, opts: { critical?: boolean } = {}): Promise<AuthUser> {
    const claims = await this.settings.keyRing.verify(token);
    const db = opts.critical ? (this.settings.criticalDb ?? this.db) : this.db;
    const { role, staffRoles } = await this.currentAccess(claims.sid, claims.sub, db);
    return { id: claims.sub, role, staffRoles, sessionId: claims.sid, tokenExpiresAt: claims.exp * 1000 };
  }

  /**
   * A user authenticated earlier (a socket's handshake), checked again: the
   * session is still alive and the role is the user's current one.
   */
  async revalidate(user: AuthUser, opts: { critical?: boolean } = {}): Promise<AuthUser> {
    if (user.tokenExpiresAt <= Date.now()) throw new AppError(ErrorCode.UNAUTHENTICATED, 'Token expired');
    const db = opts.critical ? (this.settings.criticalDb ?? this.db) : this.db;
    const { role, staffRoles } = await this.currentAccess(user.sessionId, user.id, db);
    return role === user.role && sameRoles(staffRoles, user.staffRoles ?? []) ? user : { ...user, role, staffRoles };
  }

  /**
   * The role authorization uses: the user's row, not the token's claim (a
   * token with a forged role claim would otherwise be as good as its
   * signature). Cached with the session; migration 0014 announces changes.
   */
  private async currentAccess(sessionId: string, userId: string, db: Db = this.db): Promise<SessionAccess> {
    const cached = this.sessions?.accessOf(sessionId, userId);
    if (cached) return cached;
    const { row, generation } = (await this.readSession(sessionId, db)) ?? {};
    if (!row || row.revoked_at || row.suspended_at || row.user_id !== userId) {
      throw new AppError(ErrorCode.UNAUTHENTICATED, 'Session ended');
    }
    const access = { role: row.role, staffRoles: row.staff_roles };
    this.sessions?.remember(sessionId, { userId, ...access }, generation!);
    return access;
  }

  /** Batched through the main pool; a safety-critical read goes alone through its reserved pool. */
  private async readSession(sessionId: string, db: Db): Promise<SessionRead | undefined> {
    if (db === this.db) return this.sessionReads.load(sessionId);
    const generation = this.sessions?.generation ?? 0;
    const row = await findSessionAccess(db, sessionId);
    return row && { row, generation };
  }

  /** First admin from ADMIN_PHONE / ADMIN_PASSWORD; a no-op when it exists. */
  async ensureAdmin(phoneInput: string | undefined, password: string | undefined) {
    if (!phoneInput || !password) return;
    const phone = requirePhone(phoneInput);
    if (await userAccounts.findByPhone(this.db, phone)) return;
    try {
      await userAccounts.insert(this.db, {
        phone,
        name: 'Administrator',
        role: 'admin',
        passwordHash: await hash(password),
      });
      this.log.info('first admin created from ADMIN_PHONE');
    } catch (err) {
      if (!isUniqueViolation(err)) throw err; // another node created it first
    }
  }
}

/** Runs for every socket event: compared in place rather than joined into two strings each time. */
function sameRoles(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((role, i) => role === b[i]);
}
