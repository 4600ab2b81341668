/**
 * History: invoked by the event source mappings of the items and changes tables' streams
 * (inserts and modifications only, filtered by the mappings). Writes each batch as Parquet into
 * the history bucket, under the table its stream feeds (snapshots or changes, told apart by the
 * records' eventSourceARN), and reports the first record it did not write, so the mapping
 * retries from there. Logic: shared/history/stream-batch.ts.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { createAwsClients, requireBucket, resourceEnvironment } from '../../shared/aws/index.ts';
import {
  historyStreamOfArn,
  UnknownHistoryStreamError,
  S3HistoryDestination,
  writeStreamBatch,
} from '../../shared/history/index.ts';

const resources = resourceEnvironment();
const destination = new S3HistoryDestination(createAwsClients().s3, requireBucket(resources, 'history'));
const logger = new Logger({ serviceName: 'shelfwatch-history' });

export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  // One mapping per stream: every record of an event comes from the same table.
  const stream = historyStreamOfArn(resources.stage, event.Records[0]?.eventSourceARN);
  if (!stream) {
    if (event.Records.length === 0) return { batchItemFailures: [] };
    throw new UnknownHistoryStreamError(event.Records[0]?.eventSourceARN);
  }
  const outcome = await writeStreamBatch(event.Records, destination, { table: stream.table });
  const summary = {
    table: stream.table.name,
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
