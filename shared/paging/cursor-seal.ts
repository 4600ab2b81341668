/**
 * Cursors as API clients see them: the store's cursor (a DynamoDB key), encrypted and
 * authenticated with AES-256-GCM, with the listing it came from (route, path parameters,
 * filters) as associated data. A client can hand a cursor back to the listing that gave it and
 * to nothing else: one from another listing, edited, truncated, forged or made of random bytes
 * fails authentication and is a ValidationError naming `cursor`, before DynamoDB sees a key.
 *
 *   cursor = base64url( version 1 ‖ iv (12 bytes) ‖ encrypted store cursor ‖ tag (16 bytes) )
 *
 * The key comes from `loadKey` (the control table's, see cursor-key-store.ts). Opening a cursor
 * never creates a key: with none stored, no cursor can be valid, and a refused request writes
 * nothing.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ValidationError } from '../errors/index.ts';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** A store cursor is a few hundred bytes at most; a longer cursor is refused unopened. */
export const MAX_CURSOR_CHARS = 2048;

export interface CursorKeySource {
  /** The 32-byte key; with `create: false`, undefined when none exists yet. */
  key(options: { create: boolean }): Promise<Buffer | undefined>;
}

const notThisListing = () =>
  new ValidationError('cursor', [
    {
      field: 'cursor',
      message:
        'is not a cursor this listing handed out: pass back the `cursor` of the previous page, with the same filters',
    },
  ]);

export class CursorSeal {
  private readonly keys: CursorKeySource;

  constructor(keys: CursorKeySource) {
    this.keys = keys;
  }

  /** The opaque cursor for `storeCursor`, valid only for `listing`. */
  async seal(listing: string, storeCursor: string): Promise<string> {
    const key = (await this.keys.key({ create: true })) as Buffer;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(listing, 'utf8'));
    const encrypted = Buffer.concat([cipher.update(storeCursor, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), iv, encrypted, cipher.getAuthTag()]).toString('base64url');
  }

  /** The store cursor behind `cursor`, if `listing` handed it out; else a ValidationError naming `cursor`. */
  async open(listing: string, cursor: string): Promise<string> {
    if (cursor.length > MAX_CURSOR_CHARS || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw notThisListing();
    const bytes = Buffer.from(cursor, 'base64url');
    // Re-encoding must give the same text: base64's spare low bits of the last character are not a free variant.
    if (bytes.toString('base64url') !== cursor) throw notThisListing();
    if (bytes.length <= 1 + IV_BYTES + TAG_BYTES || bytes[0] !== VERSION) throw notThisListing();
    const key = await this.keys.key({ create: false });
    if (!key) throw notThisListing();
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(Buffer.from(listing, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    try {
      const plain = Buffer.concat([
        decipher.update(bytes.subarray(1 + IV_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return plain.toString('utf8');
    } catch {
      throw notThisListing();
    }
  }
}

/** A listing's identity: the route and every filter that shapes it (not the page size), in one canonical text. */
export function listingOf(route: string, filters: Record<string, unknown>): string {
  const canonical = Object.keys(filters)
    .filter((name) => filters[name] !== undefined)
    .sort()
    .map((name) => [name, filters[name]]);
  return `${route} ${JSON.stringify(canonical)}`;
}
