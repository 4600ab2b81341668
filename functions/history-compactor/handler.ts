/**
 * History compactor: invoked daily by its schedule. Compacts each finished day's files of the
 * history bucket, per partition, into one Parquet file (docs/history.md, "Compaction") and logs
 * what it did. Logic: shared/history/history-compaction.ts, the code `npm start` runs on its folder.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { createAwsClients, requireBucket, resourceEnvironment } from '../../shared/aws/index.ts';
import { compactHistory, S3HistoryDestination } from '../../shared/history/index.ts';
import { createMetrics, publishDatapoints } from '../../shared/monitoring/index.ts';

const resources = resourceEnvironment();
const store = new S3HistoryDestination(createAwsClients().s3, requireBucket(resources, 'history'));
const logger = new Logger({ serviceName: 'shelfwatch-history-compactor' });
const metrics = createMetrics(resources.stage);

/** DuckDB's buffers: half the function's memory (the rest is Node, DuckDB's library and the files read). */
const memoryLimit = `${Math.floor(Number(process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '1024') / 2)}MB`;

export interface HistoryCompactorResult {
  readonly daysListed: number;
  readonly partitions: number;
  readonly filesReplaced: number;
  readonly rowsRead: number;
  readonly rowsWritten: number;
}

export const handler = async (): Promise<HistoryCompactorResult> => {
  const outcome = await compactHistory(store, { nowMs: Date.now(), memoryLimit });
  for (const done of outcome.compacted) {
    logger.info('history partition compacted', {
      partition: done.partition,
      files: done.files.length,
      compactedFile: done.compactedFile,
      rowsRead: done.rowsRead,
      rowsWritten: done.rowsWritten,
    });
  }
  const result = {
    daysListed: outcome.daysListed,
    partitions: outcome.compacted.length,
    filesReplaced: outcome.compacted.reduce((sum, done) => sum + done.files.length, 0),
    rowsRead: outcome.compacted.reduce((sum, done) => sum + done.rowsRead, 0),
    rowsWritten: outcome.compacted.reduce((sum, done) => sum + done.rowsWritten, 0),
  };
  logger.info('history compaction done', result);
  // Only a run that completed: its absence for 26 hours is HistoryCompactorHeartbeatMissing.
  publishDatapoints(metrics, [{ name: 'HistoryCompactorHeartbeat', unit: 'Count', value: 1 }]);
  return result;
};
