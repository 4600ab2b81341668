/**
 * The key that seals API cursors (cursor-seal.ts), kept in the control table beside the hashed
 * API tokens:
 *
 *   control  pk=cursor-key, sk=v1  → key (32 random bytes, base64), createdAt
 *
 * Created by the first listing that hands out a cursor (one conditional put: racing containers
 * agree on the first key written), then read once per container. It guards the paging position
 * of listings the caller may read anyway, so it needs no more protection than the tokens beside
 * it: encryption at rest and the table's IAM policy. Rotating it (deleting the item) makes the
 * cursors handed out before answer 400; containers pick up the new key when they start.
 */
import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ShelfwatchError } from '../errors/index.ts';
import type { CursorKeySource } from './cursor-seal.ts';

/** The stored key is not 32 bytes of base64: someone edited the item; delete it to start a new key. */
export class CursorKeyMalformedError extends ShelfwatchError {
  constructor(tableName: string) {
    super(
      'internal',
      'CURSOR_KEY_MALFORMED',
      `the cursor key in ${tableName} (pk=${CURSOR_KEY.pk}, sk=${CURSOR_KEY.sk}) is not 32 bytes of base64: delete the item and a new key is made`,
    );
  }
}

export const CURSOR_KEY = { pk: 'cursor-key', sk: 'v1' } as const;
const KEY_BYTES = 32;

export class CursorKeyStore implements CursorKeySource {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;
  private cached: Buffer | undefined;

  constructor(options: { documents: DynamoDBDocumentClient; tableName: string }) {
    this.documents = options.documents;
    this.tableName = options.tableName;
  }

  async key(options: { create: boolean }): Promise<Buffer | undefined> {
    this.cached ??= await this.read();
    if (this.cached || !options.create) return this.cached;
    try {
      const key = randomBytes(KEY_BYTES);
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...CURSOR_KEY, key: key.toString('base64'), createdAt: new Date().toISOString() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      this.cached = key;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      this.cached = await this.read(); // another container wrote the first key
    }
    if (!this.cached) throw new CursorKeyMalformedError(this.tableName);
    return this.cached;
  }

  private async read(): Promise<Buffer | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: CURSOR_KEY, ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const key = typeof Item.key === 'string' ? Buffer.from(Item.key, 'base64') : undefined;
    if (key?.length !== KEY_BYTES) throw new CursorKeyMalformedError(this.tableName);
    return key;
  }
}
