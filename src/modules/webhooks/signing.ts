import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

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
  const signatures = args.secrets.map((s) => new Webhook(s).sign(args.messageId, args.at, args.body));
  return {
    'webhook-id': args.messageId,
    'webhook-timestamp': String(Math.floor(args.at.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}
