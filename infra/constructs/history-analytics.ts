import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CfnNamedQuery, CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  ATHENA_RESULTS_PREFIX,
  athenaWorkgroupName,
  glueDatabaseName,
} from '../../shared/catalogue/index.ts';
import { findPlatform, platformIds } from '../../shared/definitions/index.ts';
import {
  glueColumnsOf,
  gluePartitionKeysOf,
  HISTORY_TABLES,
  type HistoryTable,
  NAMED_HISTORY_QUERIES,
  prestoViewOf,
  prestoViewTextOf,
  rawTableNameOf,
  tablePrefixOf,
} from '../../shared/history/index.ts';
import type { RemovalPolicyName } from '../config.ts';

/** First day partition projection enumerates: no history file is older (the feature's first year). */
export const HISTORY_FIRST_DAY = '2026-01-01';

export interface HistoryAnalyticsProps {
  readonly stage: string;
  /** The history bucket (Parquet files) and the results bucket (Athena's output). */
  readonly historyBucket: Bucket;
  readonly resultsBucket: Bucket;
  /** Athena cancels a query of the workgroup that scans more (config `athenaBytesScannedCutoffMb`). */
  readonly bytesScannedCutoffPerQuery: number;
  readonly removalPolicy: RemovalPolicyName;
}

/**
 * Athena over the Parquet history: a Glue database; per history table a table of every copy
 * (`snapshots_raw`, columns from the declaration, partition projection, so no crawler and no
 * partition to add) and the de-duplicated view (`snapshots`, a Presto view stored in Glue); a
 * workgroup with enforced settings, encrypted results and a bytes-scanned limit; named queries.
 */
export class HistoryAnalytics extends Construct {
  readonly database: CfnDatabase;
  readonly workgroup: CfnWorkGroup;

  constructor(scope: Construct, id: string, props: HistoryAnalyticsProps) {
    super(scope, id);
    const catalogId = Stack.of(this).account;
    const databaseName = glueDatabaseName(props.stage);
    this.database = new CfnDatabase(this, 'database', {
      catalogId,
      databaseInput: {
        name: databaseName,
        description: `Shelfwatch ${props.stage}: the Parquet history (docs/history.md).`,
      },
    });
    for (const table of HISTORY_TABLES) {
      this.addTable(table, databaseName, catalogId, props).addResourceDependency(this.database);
    }
    this.workgroup = new CfnWorkGroup(this, 'workgroup', {
      name: athenaWorkgroupName(props.stage),
      description: `Shelfwatch ${props.stage}: queries of the history (named queries, shelfwatch query --stage, GET /exports).`,
      state: 'ENABLED',
      recursiveDeleteOption: props.removalPolicy === 'destroy',
      workGroupConfiguration: {
        // Clients cannot pick another output location, drop encryption or lift the limit.
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${props.resultsBucket.bucketName}/${ATHENA_RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
          expectedBucketOwner: Stack.of(this).account,
        },
      },
    });
    this.workgroup.applyRemovalPolicy(
      props.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    );
    for (const [key, query] of Object.entries(NAMED_HISTORY_QUERIES)) {
      const named = new CfnNamedQuery(this, key, {
        name: query.name,
        description:
          `${query.description} Parameters: ${query.parameters.map((p) => `${p.name} (${p.meaning}, e.g. ${p.example})`).join(', ')}.`.slice(
            0,
            1024,
          ),
        database: databaseName,
        workGroup: this.workgroup.name,
        queryString: query.sql,
      });
      named.addResourceDependency(this.workgroup);
      named.addResourceDependency(this.database);
    }
  }

  private addTable(
    table: HistoryTable<never>,
    databaseName: string,
    catalogId: string,
    props: HistoryAnalyticsProps,
  ): CfnTable {
    const location = `s3://${props.historyBucket.bucketName}/${tablePrefixOf(table)}`;
    const raw = new CfnTable(this, `${table.name}-raw`, {
      catalogId,
      databaseName,
      tableInput: {
        name: rawTableNameOf(table),
        description: `Every copy written of the ${table.name} history, version ${table.version} (de-duplicated: the view ${table.name}).`,
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: gluePartitionKeysOf(table),
        parameters: {
          classification: 'parquet',
          EXTERNAL: 'TRUE',
          shelfwatch_schema_version: String(table.version),
          ...partitionProjectionOf(table, location),
        },
        storageDescriptor: {
          columns: glueColumnsOf(table),
          location: `${location}/`,
          inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
        },
      },
    });
    const view = new CfnTable(this, `${table.name}-view`, {
      catalogId,
      databaseName,
      tableInput: {
        name: table.name,
        description: `The ${table.name} history, one row per ${table.identity.join(' + ')} (latest ${table.latestBy}).`,
        tableType: 'VIRTUAL_VIEW',
        parameters: { presto_view: 'true', comment: 'Presto View' },
        viewOriginalText: prestoViewTextOf(prestoViewOf(table, databaseName)),
        viewExpandedText: '/* Presto View */',
        storageDescriptor: {
          columns: [...glueColumnsOf(table), ...gluePartitionKeysOf(table)],
          serdeInfo: {},
        },
      },
    });
    view.addResourceDependency(raw);
    return raw;
  }
}

/**
 * Partition projection: Athena computes the partitions from these rules instead of reading them
 * from Glue (no crawler, no MSCK REPAIR). `dt` is every day from HISTORY_FIRST_DAY to today;
 * `platform` and `marketplace` are enumerated from the platform registry, the same list that
 * validates definitions, so a partition cannot exist outside it (a new platform is new code,
 * hence a deploy). Combinations that do not exist (amazon/CN) are empty prefixes: a LIST each.
 */
export function partitionProjectionOf(table: HistoryTable<never>, location: string): Record<string, string> {
  const platforms = platformIds();
  const marketplaces = [
    ...new Set(platforms.flatMap((platform) => findPlatform(platform)?.marketplaces ?? [])),
  ].sort();
  const template = table.partitionKeys.map((key) => `${key.name}=\${${key.name}}`).join('/');
  const keys = table.partitionKeys.map((key) => key.name).join(',');
  if (keys !== 'dt,platform,marketplace') {
    throw new TypeError(`partition projection is written for dt/platform/marketplace, not ${keys}`);
  }
  return {
    'projection.enabled': 'true',
    'projection.dt.type': 'date',
    'projection.dt.format': 'yyyy-MM-dd',
    'projection.dt.range': `${HISTORY_FIRST_DAY},NOW`,
    'projection.dt.interval': '1',
    'projection.dt.interval.unit': 'DAYS',
    'projection.platform.type': 'enum',
    'projection.platform.values': platforms.join(','),
    'projection.marketplace.type': 'enum',
    'projection.marketplace.values': marketplaces.join(','),
    'storage.location.template': `${location}/${template}`,
  };
}
