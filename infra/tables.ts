// DynamoDB tables the authorizer reads: the entity store and, for multi-tenant modes, tenant → policy store.
import { RemovalPolicy, aws_dynamodb as dynamodb } from 'aws-cdk-lib';
import { Construct } from 'constructs';

export interface AuthorizerTableProps {
  /** 3 to 255 characters from `A-Z a-z 0-9 _ . -`. */
  readonly tableName: string;
  /** The string partition key the runtime reads by. */
  readonly partitionKey: string;
}

const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

/** On demand, point-in-time recovery, encrypted, deletion-protected, and kept when the stack is deleted. */
export class AuthorizerTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: AuthorizerTableProps) {
    super(scope, id);
    if (!TABLE_NAME.test(props.tableName))
      throw new Error(`table name ${JSON.stringify(props.tableName)} is not a valid DynamoDB table name`);
    if (props.partitionKey.trim() === '') throw new Error(`table ${props.tableName}: the partition key is empty`);
    this.table = new dynamodb.Table(this, 'Table', {
      tableName: props.tableName,
      partitionKey: { name: props.partitionKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
