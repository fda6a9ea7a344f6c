import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify, decodeProtectedHeader, errors as joseErrors } from 'jose';
import type { JwtKey } from '../../config.js';
import { AppError, ErrorCode } from '../../platform/errors.js';
import type { Role } from '../../platform/http/route-config.js';

const ISSUER = 'smartline';

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
  private readonly keys: Map<string, Uint8Array>;

  constructor(keys: JwtKey[], private readonly activeKid: string) {
    this.keys = new Map(keys.map((k) => [k.kid, new TextEncoder().encode(k.secret)]));
  }

  async sign(claims: Omit<AccessClaims, 'exp'>, ttlS: number): Promise<{ token: string; expiresAt: number }> {
    const expiresAt = Math.floor(Date.now() / 1000) + ttlS;
    const token = await new SignJWT({ role: claims.role, sid: claims.sid })
      .setProtectedHeader({ alg: 'HS256', kid: this.activeKid })
      .setSubject(claims.sub)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(expiresAt)
      .setJti(randomBytes(12).toString('base64url'))
      .sign(this.keys.get(this.activeKid)!);
    return { token, expiresAt };
  }

  async verify(token: string): Promise<AccessClaims> {
    const unauthenticated = (why: string) => new AppError(ErrorCode.UNAUTHENTICATED, why);
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      throw unauthenticated('Malformed token');
    }
    const key = kid ? this.keys.get(kid) : undefined;
    if (!key) throw unauthenticated('Unknown signing key');
    try {
      const { payload } = await jwtVerify(token, key, { issuer: ISSUER, algorithms: ['HS256'] });
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
