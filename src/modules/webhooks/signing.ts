import { createHmac, randomBytes } from 'node:crypto';

/** Standard Webhooks secrets: `whsec_` + base64 of 32 random bytes (the HMAC-SHA256 key). */
export const newSigningSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/** How long a rotated-out secret keeps signing alongside the new one (issue 20: 24 h). */
export const SECRET_OVERLAP_MS = 24 * 3_600_000;

/**
 * The Standard Webhooks headers for one message. During a rotation the
 * signature header carries one `v1,<sig>` per live secret, space-separated,
 * so receivers still holding the old secret verify too.
 */
export function signedHeaders(args: { messageId: string; body: string; secrets: string[]; at: Date }) {
  const timestamp = String(Math.floor(args.at.getTime() / 1000));
  const signatures = args.secrets.map((s) => sign(s, `${args.messageId}.${timestamp}.`, args.body));
  return {
    'webhook-id': args.messageId,
    'webhook-timestamp': timestamp,
    'webhook-signature': signatures.join(' '),
  };
}

/**
 * `v1,` + base64 HMAC-SHA256 of `<id>.<timestamp>.<body>` keyed with the
 * secret's decoded bytes (the Standard Webhooks scheme; the tests verify it
 * with the `standardwebhooks` package). Node's native HMAC, not that
 * package's pure-JS one: signing runs for every delivery.
 */
function sign(secret: string, prefix: string, body: string) {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(prefix).update(body).digest('base64')}`;
}
