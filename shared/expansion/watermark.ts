/**
 * The expander's watermark: the newest slot fully expanded. It only moves forward (a
 * conditional write), so a late or concurrent firing cannot move it back.
 */
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { Slot } from '../schedule/index.ts';

const KEY = { pk: 'expander', sk: 'watermark' } as const;

export class Watermark {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(documents: DynamoDBDocumentClient, controlTable: string) {
    this.documents = documents;
    this.tableName = controlTable;
  }

  async read(): Promise<Slot | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: KEY, ConsistentRead: true }),
    );
    return Item?.slot as Slot | undefined;
  }

  /** Moves the watermark to `slot` if it is newer; returns whether it moved. */
  async advance(slot: Slot, nowMs: number): Promise<boolean> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: KEY,
          UpdateExpression: 'SET #slot = :slot, updatedAt = :now',
          ConditionExpression: 'attribute_not_exists(#slot) OR #slot < :slot',
          ExpressionAttributeNames: { '#slot': 'slot' },
          ExpressionAttributeValues: { ':slot': slot, ':now': new Date(nowMs).toISOString() },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
