/** The S3 buckets. */
export interface BucketDeclaration {
  readonly purpose: string;
  /** Objects are deleted this many days after creation (lifecycle rule). */
  readonly expireAfterDays: number;
}

export const BUCKETS = {
  reports: { purpose: 'Daily reports of the monitor, one JSON object per UTC day.', expireAfterDays: 400 },
} as const satisfies Record<string, BucketDeclaration>;

export type BucketName = keyof typeof BUCKETS;
