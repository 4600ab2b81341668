import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  Billing,
  type GlobalSecondaryIndexPropsV2,
  ProjectionType,
  StreamViewType,
  TableEncryptionV2,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import {
  type KeyAttribute,
  type TableDeclaration,
  type TableName,
  tableName,
  TABLES,
} from '../../shared/catalogue/index.ts';
import type { RemovalPolicyName } from '../config.ts';

export interface TablesProps {
  /** The stage: every table is named `shelfwatch-<stage>-<name>`. */
  readonly stage: string;
  /** `retain` keeps the tables (with deletion protection) when the stack is deleted; `destroy` deletes them. */
  readonly removalPolicy: RemovalPolicyName;
}

const attribute = (key: KeyAttribute) => ({
  name: key.name,
  type: key.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER,
});

function indexProps(index: TableDeclaration['indexes'][number]): GlobalSecondaryIndexPropsV2 {
  const projection = index.projection;
  return {
    indexName: index.name,
    partitionKey: attribute(index.partitionKey),
    ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
    ...(projection === 'ALL'
      ? { projectionType: ProjectionType.ALL }
      : projection === 'KEYS_ONLY'
        ? { projectionType: ProjectionType.KEYS_ONLY }
        : { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...projection] }),
  };
}

/** Every table of the catalogue: on-demand, point-in-time recovery, TTL and a stream where declared. */
export class Tables extends Construct {
  readonly byName: Record<TableName, TableV2>;

  constructor(scope: Construct, id: string, props: TablesProps) {
    super(scope, id);
    const retain = props.removalPolicy === 'retain';
    const entries = (Object.entries(TABLES) as [TableName, TableDeclaration][]).map(([name, table]) => {
      const construct = new TableV2(this, name, {
        tableName: tableName(props.stage, name),
        partitionKey: attribute(table.partitionKey),
        ...(table.sortKey ? { sortKey: attribute(table.sortKey) } : {}),
        globalSecondaryIndexes: table.indexes.map(indexProps),
        billing: Billing.onDemand(),
        encryption: TableEncryptionV2.awsManagedKey(),
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        ...(table.ttlAttribute ? { timeToLiveAttribute: table.ttlAttribute } : {}),
        ...(table.stream ? { dynamoStream: StreamViewType.NEW_IMAGE } : {}),
        deletionProtection: retain,
        removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
      return [name, construct] as const;
    });
    this.byName = Object.fromEntries(entries) as Record<TableName, TableV2>;
  }
}
