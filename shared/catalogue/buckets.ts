/** The S3 buckets. */
export interface BucketDeclaration {
  readonly purpose: string;
  /**
   * Objects are deleted this many days after creation (lifecycle rule); absent: kept until
   * someone deletes them (the history, unless the stage sets `historyExpireAfterDays`).
   */
  readonly expireAfterDays?: number;
  /** Objects move to S3 Intelligent-Tiering this many days after creation (lifecycle rule). */
  readonly intelligentTieringAfterDays?: number;
}

export const BUCKETS = {
  reports: { purpose: 'Daily reports of the monitor, one JSON object per UTC day.', expireAfterDays: 400 },
  history: {
    purpose:
      'The Parquet history (docs/history.md): snapshots/v1/dt=<day>/platform=<p>/marketplace=<m>/part-<uuid>.parquet, queried by Athena.',
    // Written once, read by the queries that name their day: after a month most files are cold.
    intelligentTieringAfterDays: 30,
  },
  athenaResults: {
    purpose:
      'Results of the Athena workgroup of the history (athena/...) and of exports: re-creatable, so they expire.',
    expireAfterDays: 7,
  },
} as const satisfies Record<string, BucketDeclaration>;

export type BucketName = keyof typeof BUCKETS;

/** Where Athena writes query results in the results bucket (the workgroup's enforced location). */
export const ATHENA_RESULTS_PREFIX = 'athena/';
