import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { AuthorizerTable } from '../../infra/tables.js';
import { bareStack } from './support/synthesized-app.js';

describe('AuthorizerTable', () => {
  const stack = bareStack();
  new AuthorizerTable(stack, 'Tenants', { tableName: 'billing-tenants', partitionKey: 'tenantId' });
  const template = Template.fromStack(stack);

  it('is on demand, point-in-time recoverable, encrypted at rest and deletion-protected, keyed by one string', () => {
    template.templateMatches({
      Resources: {
        [Object.keys(template.findResources('AWS::DynamoDB::Table'))[0] as string]: {
          Type: 'AWS::DynamoDB::Table',
          Properties: {
            TableName: 'billing-tenants',
            BillingMode: 'PAY_PER_REQUEST',
            KeySchema: [{ AttributeName: 'tenantId', KeyType: 'HASH' }],
            AttributeDefinitions: [{ AttributeName: 'tenantId', AttributeType: 'S' }],
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            SSESpecification: { SSEEnabled: true },
            DeletionProtectionEnabled: true,
          },
          DeletionPolicy: 'Retain',
          UpdateReplacePolicy: 'Retain',
        },
      },
    });
  });

  it('refuses a table name DynamoDB would refuse, failing synth', () => {
    expect(() => new AuthorizerTable(bareStack(), 'Bad', { tableName: 'billing tenants', partitionKey: 'tenantId' })).toThrow(
      new Error('table name "billing tenants" is not a valid DynamoDB table name'),
    );
  });

  it('refuses an empty partition key', () => {
    expect(() => new AuthorizerTable(bareStack(), 'Bad', { tableName: 'billing-tenants', partitionKey: ' ' })).toThrow(
      new Error('table billing-tenants: the partition key is empty'),
    );
  });
});
