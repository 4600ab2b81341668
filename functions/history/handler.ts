/**
 * History: invoked by the event source mapping of the items table's stream (inserts and
 * modifications only, filtered by the mapping). Writes each batch as Parquet into the history
 * bucket and reports the first record it did not write, so the mapping retries from there.
 * Logic: shared/history/stream-batch.ts.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { createAwsClients, requireBucket, resourceEnvironment } from '../../shared/aws/index.ts';
import { S3HistoryDestination, writeStreamBatch } from '../../shared/history/index.ts';

const resources = resourceEnvironment();
const destination = new S3HistoryDestination(createAwsClients().s3, requireBucket(resources, 'history'));
const logger = new Logger({ serviceName: 'shelfwatch-history' });

export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const outcome = await writeStreamBatch(event.Records, destination);
  const summary = {
    records: event.Records.length,
    rows: outcome.written.rows,
    files: outcome.written.files.length,
    skipped: outcome.skipped,
  };
  if (!outcome.failure) {
    logger.info('history batch written', summary);
    return { batchItemFailures: [] };
  }
  logger.error('history batch not fully written: the mapping retries from the first record not written', {
    ...summary,
    sequenceNumber: outcome.failure.sequenceNumber,
    error: outcome.failure.error as Error,
  });
  return { batchItemFailures: [{ itemIdentifier: outcome.failure.sequenceNumber }] };
};
