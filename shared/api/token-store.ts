/**
 * API tokens, stored hashed in the control table:
 *
 *   control  pk=api-token, sk=<tokenId>  → name, scope, SHA-256 of the token, created/revoked at
 *
 * A token reads `swk_<tokenId>_<secret>`: the id finds the record with one GetItem, the hash of
 * the whole token is compared in constant time. The secret is 256 random bits, so a fast hash is
 * enough (nothing to brute-force); the plain token is shown once, at creation, and never stored.
 * The CLI calls this store directly with AWS credentials to create the first operator token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '../errors/index.ts';

export const TOKEN_SCOPES = ['operator', 'worker'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export const TOKEN_ID_PATTERN = /^[0-9a-f]{16}$/;
const TOKEN_PATTERN = /^swk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const PARTITION = 'api-token';

export interface ApiToken {
  readonly tokenId: string;
  readonly name: string;
  /** operator: every route; worker: /market/* only. */
  readonly scope: TokenScope;
  readonly createdAt: string;
  readonly revokedAt?: string;
}

export interface IssuedToken extends ApiToken {
  /** The token itself: shown once, never stored. */
  readonly token: string;
}

export type Authentication =
  | { readonly authenticated: true; readonly token: ApiToken }
  | { readonly authenticated: false; readonly reason: 'malformed' | 'unknown' | 'revoked' };

export class TokenNotFoundError extends NotFoundError {
  constructor(tokenId: string) {
    super('TOKEN_NOT_FOUND', `token ${tokenId} does not exist`);
  }
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
/** Compared against when the id is unknown, so an unknown id costs the same work as a known one. */
const DECOY_HASH = sha256('shelfwatch-decoy-token');

interface StoredToken extends ApiToken {
  readonly pk: string;
  readonly sk: string;
  readonly tokenHash: string;
}

const publicView = ({ tokenId, name, scope, createdAt, revokedAt }: StoredToken): ApiToken => ({
  tokenId,
  name,
  scope,
  createdAt,
  ...(revokedAt ? { revokedAt } : {}),
});

export class TokenStore {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: { documents: DynamoDBDocumentClient; tableName: string }) {
    this.documents = options.documents;
    this.tableName = options.tableName;
  }

  async create(input: { name: string; scope: TokenScope }, nowMs: number): Promise<IssuedToken> {
    const tokenId = randomBytes(8).toString('hex');
    const token = `swk_${tokenId}_${randomBytes(32).toString('base64url')}`;
    const record: StoredToken = {
      pk: PARTITION,
      sk: tokenId,
      tokenId,
      name: input.name,
      scope: input.scope,
      createdAt: new Date(nowMs).toISOString(),
      tokenHash: sha256(token).toString('hex'),
    };
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: record,
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return { ...publicView(record), token };
  }

  /** Every token, revoked ones included (newest ids are random: sorted by creation time). */
  async list(): Promise<ApiToken[]> {
    const tokens: ApiToken[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const { Items = [], LastEvaluatedKey } = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': PARTITION },
          ExclusiveStartKey: cursor,
        }),
      );
      tokens.push(...Items.map((item) => publicView(item as StoredToken)));
      cursor = LastEvaluatedKey;
    } while (cursor);
    return tokens.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Revokes a token from now on; revoking twice keeps the first time. */
  async revoke(tokenId: string, nowMs: number): Promise<ApiToken> {
    try {
      const { Attributes } = await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: PARTITION, sk: tokenId },
          ConditionExpression: 'attribute_exists(pk)',
          UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :now)',
          ExpressionAttributeValues: { ':now': new Date(nowMs).toISOString() },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return publicView(Attributes as StoredToken);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new TokenNotFoundError(tokenId);
      throw error;
    }
  }

  /** Checks a presented token: known, not revoked, and its hash equal in constant time. */
  async authenticate(presented: string): Promise<Authentication> {
    const match = TOKEN_PATTERN.exec(presented);
    if (!match) return { authenticated: false, reason: 'malformed' };
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: PARTITION, sk: match[1] },
        ConsistentRead: true,
      }),
    );
    const stored = Item as StoredToken | undefined;
    const expected = stored ? Buffer.from(stored.tokenHash, 'hex') : DECOY_HASH;
    const equal = expected.length === 32 && timingSafeEqual(expected, sha256(presented));
    if (!stored || !equal) return { authenticated: false, reason: 'unknown' };
    if (stored.revokedAt) return { authenticated: false, reason: 'revoked' };
    return { authenticated: true, token: publicView(stored) };
  }
}
