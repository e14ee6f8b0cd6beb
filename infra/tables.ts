// DynamoDB tables the authorizer reads: the entity store and, for multi-tenant modes, tenant → policy store.
import { RemovalPolicy, aws_dynamodb as dynamodb } from 'aws-cdk-lib';
import { Construct } from 'constructs';

export interface AuthorizerTableProps {
  readonly tableName: string;
  readonly partitionKey: string;
}

/** On demand, point-in-time recovery, encrypted, deletion-protected, and kept when the stack is deleted. */
export class AuthorizerTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: AuthorizerTableProps) {
    super(scope, id);
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
