/**
 * The signature of a delivery: HMAC-SHA256, keyed by the webhook's signing secret, over
 * `<timestamp>.<body>` — the timestamp (Unix seconds, also sent as X-Shelfwatch-Timestamp) and
 * the exact bytes of the body. A receiver recomputes it, compares in constant time, and refuses a
 * timestamp outside its replay window (docs/webhooks.md: five minutes).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const DELIVERY_HEADER = 'X-Shelfwatch-Delivery';
export const TIMESTAMP_HEADER = 'X-Shelfwatch-Timestamp';
export const SIGNATURE_HEADER = 'X-Shelfwatch-Signature';
/** The replay window receivers should enforce, and the one `verifyWebhookSignature` applies. */
export const REPLAY_WINDOW_SECONDS = 300;

/** `v1=<hex>`: the version names the scheme, so a later one can be sent beside it. */
export function signWebhookBody(
  signingSecret: string,
  timestampSeconds: number,
  body: string | Buffer,
): string {
  const hmac = createHmac('sha256', signingSecret);
  hmac.update(`${timestampSeconds}.`);
  hmac.update(body);
  return `v1=${hmac.digest('hex')}`;
}

export interface SignatureCheck {
  readonly signingSecret: string;
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  readonly body: string | Buffer;
  readonly nowSeconds: number;
}

/** What a receiver does (and what the tests do with what the receiver got). */
export function verifyWebhookSignature(check: SignatureCheck): boolean {
  const timestamp = Number(check.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(check.nowSeconds - timestamp) > REPLAY_WINDOW_SECONDS) {
    return false;
  }
  const expected = Buffer.from(signWebhookBody(check.signingSecret, timestamp, check.body));
  const got = Buffer.from(check.signature ?? '');
  return got.length === expected.length && timingSafeEqual(got, expected);
}
