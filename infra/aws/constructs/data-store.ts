import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { TableSpec } from '../../topology.ts';
import { physicalName } from '../physical-names.ts';

export interface DataStoreProps {
  readonly table: TableSpec;
  /** Give the table (and its key an alias) the topology's name (physical-names.ts); else CloudFormation names it. */
  readonly legacyNames: boolean;
}

/**
 * The company's one DynamoDB table, encrypted with a customer-managed key. Both are kept
 * when the stack is deleted: they hold the company's cases and history. Neither has a fixed
 * name (unless `legacyNames`): a stack deleted and deployed again gets a new table beside the
 * retained one instead of failing on its name (docs/operations.md says how to take the old data over).
 */
export class DataStore extends Construct {
  readonly table: dynamodb.Table;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: DataStoreProps) {
    super(scope, id);
    const spec = props.table;

    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts the Backchannel DynamoDB table of ${Stack.of(this).stackName}`,
      ...(props.legacyNames ? { alias: `alias/${spec.name}` } : {}),
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.table = new dynamodb.Table(this, 'Table', {
      tableName: physicalName(spec.name, props.legacyNames),
      partitionKey: { name: spec.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: spec.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: spec.ttlAttribute,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    for (const index of spec.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType[index.projection],
      });
    }
  }
}
