import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signatures of the local-disk object URLs: HMAC-SHA256 over "key\nexpires". The key is derived from the quote
 * secret with its own label, so no new secret has to be provisioned and a quote signature is never a URL one.
 */
export class UrlSigner {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', secret).update('smartline:object-urls:v1').digest();
  }

  sign(objectKey: string, expiresAtS: number): string {
    return createHmac('sha256', this.key).update(`${objectKey}\n${expiresAtS}`).digest('base64url');
  }

  /** True when `sig` signs this key and expiry and the expiry has not passed. */
  verify(objectKey: string, expiresAtS: number, sig: string, nowS = Math.floor(Date.now() / 1000)): boolean {
    if (!Number.isInteger(expiresAtS) || expiresAtS < nowS) return false;
    const expected = Buffer.from(this.sign(objectKey, expiresAtS));
    const given = Buffer.from(sig);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
