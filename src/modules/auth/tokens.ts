import { createHash, randomBytes, webcrypto } from 'node:crypto';
import { SignJWT, jwtVerify, decodeProtectedHeader, errors as joseErrors } from 'jose';
import { LRUCache } from 'lru-cache';
import type { JwtKey } from '../../config.js';
import { AppError, ErrorCode } from '../../platform/errors.js';
import type { Role } from '../../platform/http/route-config.js';

const ISSUER = 'smartline';
/** How long a node trusts a signature it checked (never past the token's exp). */
const VERIFIED_TTL_MS = 60_000;

export interface AccessClaims {
  sub: string;
  role: Role;
  sid: string;
  exp: number;
}

/**
 * HS256 key ring: the active kid signs, every kid in the ring verifies, so a
 * new key can be rolled out and the old one removed later with no logout.
 */
export class KeyRing {
  private readonly secrets: Map<string, Uint8Array>;
  private readonly imported = new Map<string, Promise<webcrypto.CryptoKey>>();
  /**
   * Claims of tokens whose signature this ring checked, by SHA-256 of the
   * token. An app sends the same token with every request until it expires,
   * and the WebCrypto HMAC check was about a tenth of a GET's CPU (bench:api
   * profile). Per ring, never shared: a ring without a kid must not accept
   * what another ring verified. Sessions are still checked on every use.
   */
  private readonly verified = new LRUCache<string, AccessClaims>({ max: 100_000 });

  /** `now` is injectable so tests can move time without sleeping across whole-second `exp` boundaries. */
  constructor(
    keys: JwtKey[],
    private readonly activeKid: string,
    private readonly now: () => number = Date.now,
  ) {
    this.secrets = new Map(keys.map((k) => [k.kid, new TextEncoder().encode(k.secret)]));
  }

  /**
   * The WebCrypto key for a kid, imported once: given raw bytes, jose imports
   * the key again on every sign/verify, which doubled the cost of verifying
   * a token (≈ 230 µs → 100 µs per request on the 2-core box).
   */
  private key(kid: string): Promise<webcrypto.CryptoKey> | undefined {
    const secret = this.secrets.get(kid);
    if (!secret) return undefined;
    let key = this.imported.get(kid);
    if (!key) {
      key = webcrypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
      this.imported.set(kid, key);
    }
    return key;
  }

  async sign(claims: Omit<AccessClaims, 'exp'>, ttlS: number): Promise<{ token: string; expiresAt: number }> {
    const issuedAt = Math.floor(this.now() / 1000);
    const expiresAt = issuedAt + ttlS;
    const token = await new SignJWT({ role: claims.role, sid: claims.sid })
      .setProtectedHeader({ alg: 'HS256', kid: this.activeKid })
      .setSubject(claims.sub)
      .setIssuer(ISSUER)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .setJti(randomBytes(12).toString('base64url'))
      .sign(await this.key(this.activeKid)!);
    return { token, expiresAt };
  }

  async verify(token: string): Promise<AccessClaims> {
    const digest = createHash('sha256').update(token).digest('base64url');
    const known = this.verified.get(digest);
    if (known && known.exp * 1000 > this.now()) return known;
    const claims = await this.verifySignature(token);
    const ttl = Math.min(VERIFIED_TTL_MS, claims.exp * 1000 - this.now());
    if (ttl > 0) this.verified.set(digest, claims, { ttl }); // lru-cache reads ttl 0 as "forever"
    return claims;
  }

  private async verifySignature(token: string): Promise<AccessClaims> {
    const unauthenticated = (why: string) => new AppError(ErrorCode.UNAUTHENTICATED, why);
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw unauthenticated('Malformed token');
    }
    const key = kid ? this.key(kid) : undefined;
    if (!key) throw unauthenticated('Unknown signing key');
    try {
      const { payload } = await jwtVerify(token, await key, {
        issuer: ISSUER,
        algorithms: ['HS256'],
        currentDate: new Date(this.now()),
      });
      const { sub, role, sid, exp } = payload as Partial<AccessClaims>;
      if (!sub || !role || !sid || !exp) throw unauthenticated('Incomplete token');
      return { sub, role, sid, exp };
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw unauthenticated(err instanceof joseErrors.JWTExpired ? 'Token expired' : 'Invalid token');
    }
  }
}

/** Opaque refresh tokens: 256 random bits; only their SHA-256 is stored. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
