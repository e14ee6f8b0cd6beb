import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { AuthorizerModeStack } from '../../infra/authorizer-mode-stack.js';
import type { ModeConfig } from '../../runtime/config.js';
import { policyLogicalId } from '../../infra/logical-id.js';
import { billingProject } from './support/billing-project.js';
import { SYNTH_CONTEXT, logicalIdOfOnly, synthesizedApp } from './support/synthesized-app.js';
import { TEST_PROJECT } from './support/test-project.js';
import { fixtureMode } from '../support/fixture-domain.js';

const { MODE_CONFIG: CUSTOMER_MODE, POLICY_BUNDLE: CUSTOMER_BUNDLE } = fixtureMode('billing', 'customer');
const { POLICY_BUNDLE: INTERNAL_BUNDLE } = fixtureMode('billing', 'internal');
const { POLICY_BUNDLE: M2M_BUNDLE } = fixtureMode('billing', 'm2m');
const { POLICY_BUNDLE: TENANT_BUNDLE } = fixtureMode('billing', 'multi-tenant');

const { template, stacks } = await synthesizedApp();

const BUNDLES = { customer: CUSTOMER_BUNDLE, internal: INTERNAL_BUNDLE, m2m: M2M_BUNDLE, 'multi-tenant': TENANT_BUNDLE } as const;

type Resources = Record<string, { Properties: Record<string, unknown> }>;

function tableId(t: Template, tableName: string): string {
  const ids = Object.entries(t.findResources('AWS::DynamoDB::Table') as Resources)
    .filter(([, resource]) => resource.Properties['TableName'] === tableName)
    .map(([id]) => id);
  if (ids.length !== 1) throw new Error(`expected one table ${tableName}, found ${ids.length}`);
  return ids[0] as string;
}

function arnOf(logicalId: string): unknown {
  return { 'Fn::GetAtt': [logicalId, 'Arn'] };
}

/** Every statement of every IAM policy in the stack. */
function statementsOf(t: Template): unknown[] {
  return Object.values(t.findResources('AWS::IAM::Policy') as Resources).flatMap(
    (policy) => (policy.Properties['PolicyDocument'] as { Statement: unknown[] }).Statement,
  );
}

function logsStatement(t: Template): unknown {
  const logGroup = Object.entries(t.findResources('AWS::Logs::LogGroup') as Resources).find(([id]) => id.startsWith('AuthorizerLogs'));
  return { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: arnOf(logGroup?.[0] ?? 'missing') };
}

// Sorted: with the recommended flag @aws-cdk/aws-iam:minimizePolicies (cdk.json), CDK sorts each statement's actions.
const AVP_ACTIONS = ['verifiedpermissions:BatchIsAuthorized', 'verifiedpermissions:IsAuthorized', 'verifiedpermissions:ListPolicies'];
const DYNAMODB_ACTIONS = ['dynamodb:BatchGetItem', 'dynamodb:GetItem'];

describe('the app', () => {
  it("has one stack per mode, named after project.yaml's application: AcmeApiAuthorizer-<mode>", () => {
    expect([...stacks.entries()].map(([mode, s]) => [mode, s.stackName])).toEqual([
      ['customer', 'AcmeApiAuthorizer-customer'],
      ['internal', 'AcmeApiAuthorizer-internal'],
      ['m2m', 'AcmeApiAuthorizer-m2m'],
      ['multi-tenant', 'AcmeApiAuthorizer-multi-tenant'],
    ]);
  });
});

describe('the authorizer IAM policy', () => {
  it('of customer (local engine) reads its entity table and writes its logs, and has no AVP permission', () => {
    const t = template('customer');

    expect(statementsOf(t)).toEqual([
      logsStatement(t),
      { Action: DYNAMODB_ACTIONS, Effect: 'Allow', Resource: arnOf(tableId(t, 'billing-entities-customer')) },
    ]);
  });

  it('of internal (AVP engine) may authorize against its own policy store only', () => {
    const t = template('internal');

    expect(statementsOf(t)).toEqual([
      logsStatement(t),
      { Action: AVP_ACTIONS, Effect: 'Allow', Resource: arnOf(logicalIdOfOnly(t, 'AWS::VerifiedPermissions::PolicyStore')) },
      { Action: DYNAMODB_ACTIONS, Effect: 'Allow', Resource: arnOf(tableId(t, 'billing-entities-internal')) },
    ]);
  });

  it('of m2m (local engine) reads its entity table and writes its logs, and has no AVP permission', () => {
    const t = template('m2m');

    expect(statementsOf(t)).toEqual([
      logsStatement(t),
      { Action: DYNAMODB_ACTIONS, Effect: 'Allow', Resource: arnOf(tableId(t, 'billing-entities-m2m')) },
    ]);
  });

  it("of multi-tenant may authorize against this account's policy stores except the blueprint, and reads its two tables", () => {
    const t = template('multi-tenant');

    expect(statementsOf(t)).toEqual([
      logsStatement(t),
      {
        Action: AVP_ACTIONS,
        Effect: 'Allow',
        Resource: {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':verifiedpermissions::', { Ref: 'AWS::AccountId' }, ':policy-store/*']],
        },
      },
      { Action: AVP_ACTIONS, Effect: 'Deny', Resource: arnOf(logicalIdOfOnly(t, 'AWS::VerifiedPermissions::PolicyStore')) },
      {
        Action: DYNAMODB_ACTIONS,
        Effect: 'Allow',
        // Resources sorted too (minimizePolicies): EntityTable… before TenantTable….
        Resource: [arnOf(tableId(t, 'billing-entities-multi-tenant')), arnOf(tableId(t, 'billing-tenants'))],
      },
    ]);
  });

  it.each(['customer', 'internal', 'm2m', 'multi-tenant'])('of %s has no statement on the "*" resource and no managed policy', (mode) => {
    const t = template(mode);
    const roles = Object.values(t.findResources('AWS::IAM::Role') as Resources);

    expect(statementsOf(t).filter((statement) => JSON.stringify(statement).includes('"Resource":"*"'))).toEqual([]);
    expect(roles.map((role) => role.Properties['ManagedPolicyArns'])).toEqual([undefined]);
  });
});

describe('the authorizer function', () => {
  it.each([
    ['customer', 512, 5, 30],
    ['internal', 512, 5, 90],
    ['m2m', 256, 5, 30],
    ['multi-tenant', 512, 5, 30],
  ])(
    'of %s has the memory (%d MB), timeout (%d s) and log retention (%d days) of its mode, on Node 22 arm64',
    (mode, memory, timeout, retention) => {
      const t = template(mode);

      t.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: memory,
        Timeout: timeout,
      });
      const logGroup = Object.entries(t.findResources('AWS::Logs::LogGroup') as Resources).find(([id]) => id.startsWith('AuthorizerLogs'));
      expect(logGroup?.[1].Properties['RetentionInDays']).toBe(retention);
    },
  );

  it('of customer (local engine) carries its mode and its entity table in the environment, and no policy store id', () => {
    const t = template('customer');

    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          POWERTOOLS_SERVICE_NAME: 'authorizer-customer',
          POWERTOOLS_METRICS_NAMESPACE: 'AcmeApiAuthorizer',
          AUTHORIZER_MODE: 'customer',
          ENTITY_TABLE: { Ref: tableId(t, 'billing-entities-customer') },
        },
      },
    });
  });

  it('of internal puts its store id in the variable its mode names (POLICY_STORE_ID), replacing the placeholder id', () => {
    const t = template('internal');

    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          POWERTOOLS_SERVICE_NAME: 'authorizer-internal',
          POWERTOOLS_METRICS_NAMESPACE: 'AcmeApiAuthorizer',
          AUTHORIZER_MODE: 'internal',
          POLICY_STORE_ID: { 'Fn::GetAtt': [logicalIdOfOnly(t, 'AWS::VerifiedPermissions::PolicyStore'), 'PolicyStoreId'] },
          ENTITY_TABLE: { Ref: tableId(t, 'billing-entities-internal') },
        },
      },
    });
  });

  it('of multi-tenant carries its tenant and entity tables, and no store id: stores come from the tenant table', () => {
    const t = template('multi-tenant');

    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          POWERTOOLS_SERVICE_NAME: 'authorizer-multi-tenant',
          POWERTOOLS_METRICS_NAMESPACE: 'AcmeApiAuthorizer',
          AUTHORIZER_MODE: 'multi-tenant',
          TENANT_TABLE: { Ref: tableId(t, 'billing-tenants') },
          ENTITY_TABLE: { Ref: tableId(t, 'billing-entities-multi-tenant') },
        },
      },
    });
  });
});

describe('the policy store', () => {
  it.each(['internal', 'multi-tenant'] as const)('of %s has exactly one policy resource per @id of its bundle', (mode) => {
    const policies = Object.entries(BUNDLES[mode].policies);

    const logicalIds = Object.keys(template(mode).findResources('AWS::VerifiedPermissions::Policy'));

    expect(logicalIds.sort()).toEqual(policies.map(([id, statement]) => policyLogicalId(id, statement, 'policy')).sort());
    expect(policies.length).toBeGreaterThan(0);
  });

  it('of multi-tenant is the tenant blueprint: it holds the delegated-read template and says it is never used for decisions', () => {
    const t = template('multi-tenant');

    t.resourceCountIs('AWS::VerifiedPermissions::PolicyStore', 1);
    t.hasResourceProperties('AWS::VerifiedPermissions::PolicyStore', {
      Description: 'Blueprint of every tenant store of mode multi-tenant; never used for decisions',
    });
    expect(Object.keys(TENANT_BUNDLE.templates)).toEqual(['tenant.delegated-account-read']);
    expect(Object.keys(t.findResources('AWS::VerifiedPermissions::PolicyTemplate'))).toEqual(
      Object.entries(TENANT_BUNDLE.templates).map(([id, statement]) => policyLogicalId(id, statement, 'template')),
    );
  });

  it.each(['internal', 'multi-tenant'])('of %s has one identity source', (mode) => {
    template(mode).resourceCountIs('AWS::VerifiedPermissions::IdentitySource', 1);
  });

  it.each(['customer', 'm2m'])('of %s (local engine, policyStore none by default) is not deployed: nothing would read it', (mode) => {
    const t = template(mode);

    for (const type of ['PolicyStore', 'Policy', 'PolicyTemplate', 'IdentitySource']) {
      t.resourceCountIs(`AWS::VerifiedPermissions::${type}`, 0);
    }
    expect(stacks.get(mode)?.policyStore).toBeUndefined();
  });

  it('of a local mode with policyStore: deploy is deployed with its output, and the authorizer gets no access', () => {
    // Arrange
    const mode: ModeConfig = { ...CUSTOMER_MODE, engine: { kind: 'local', policyStore: 'deploy' } };

    // Act
    const t = Template.fromStack(
      new AuthorizerModeStack(new App({ context: SYNTH_CONTEXT }), 'AcmeApiAuthorizer-customer', {
        project: TEST_PROJECT,
        mode,
        bundle: CUSTOMER_BUNDLE,
        handlerEntry: billingProject().generated('customer/authorizer.ts'),
        lambda: { memoryMb: 512, timeoutSeconds: 5 },
        backend: { kind: 'http', url: 'https://billing.internal.example.com' },
      }),
    );

    // Assert
    const storeId = logicalIdOfOnly(t, 'AWS::VerifiedPermissions::PolicyStore');
    t.resourceCountIs('AWS::VerifiedPermissions::Policy', Object.keys(CUSTOMER_BUNDLE.policies).length);
    t.resourceCountIs('AWS::VerifiedPermissions::IdentitySource', 1);
    expect(t.findOutputs('PolicyStoreId')).toEqual({ PolicyStoreId: { Value: { 'Fn::GetAtt': [storeId, 'PolicyStoreId'] } } });
    expect(JSON.stringify(statementsOf(t))).not.toContain('verifiedpermissions:');
    expect(JSON.stringify(t.findResources('AWS::Lambda::Function'))).not.toContain(storeId);
  });
});

describe('the tables', () => {
  it.each([
    ['customer', ['billing-entities-customer']],
    ['internal', ['billing-entities-internal']],
    ['m2m', ['billing-entities-m2m']],
    ['multi-tenant', ['billing-entities-multi-tenant', 'billing-tenants']],
  ])('of %s are %j, each on demand, with PITR, encryption and deletion protection', (mode, names) => {
    const tables = Object.values(template(mode).findResources('AWS::DynamoDB::Table') as Resources);

    expect(tables.map((table) => table.Properties['TableName']).sort()).toEqual(names);
    for (const table of tables) {
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
      });
    }
  });
});

describe('the alarms', () => {
  it.each(['customer', 'internal', 'm2m', 'multi-tenant'])(
    'of %s watch errors, throttles and p99 duration of the authorizer, with a dashboard',
    (mode) => {
      const t = template(mode);
      const alarms = Object.values(t.findResources('AWS::CloudWatch::Alarm') as Resources);
      const functionId = logicalIdOfOnly(t, 'AWS::Lambda::Function');

      expect(alarms.map((alarm) => [alarm.Properties['MetricName'], alarm.Properties['Dimensions']])).toEqual(
        ['Errors', 'Throttles', 'Duration'].map((metric) => [metric, [{ Name: 'FunctionName', Value: { Ref: functionId } }]]),
      );
      t.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    },
  );
});

/** Output names, without the `Endpoint` output CDK's RestApi always adds (ApiUrl carries the same URL for every API type). */
function outputNames(mode: string): string[] {
  return Object.keys(template(mode).findOutputs('*'))
    .filter((name) => !name.startsWith('ApiRestApiEndpoint'))
    .sort();
}

describe('the outputs', () => {
  it('of customer (local engine) are the API URL, id and stage and the entity table: no policy store id', () => {
    expect(outputNames('customer')).toEqual(['ApiId', 'ApiStageName', 'ApiUrl', 'EntityTableName']);
  });

  it('of internal are the API URL, id and stage, the policy store id and the entity table', () => {
    expect(outputNames('internal')).toEqual(['ApiId', 'ApiStageName', 'ApiUrl', 'EntityTableName', 'PolicyStoreId']);
  });

  it('of multi-tenant are the API URL, id and stage, the blueprint store id and both tables', () => {
    expect(outputNames('multi-tenant')).toEqual([
      'ApiId',
      'ApiStageName',
      'ApiUrl',
      'EntityTableName',
      'TenantBlueprintPolicyStoreId',
      'TenantTableName',
    ]);
  });
});

describe('AuthorizerModeStack validation', () => {
  it('refuses the policy bundle of another mode, failing synth', () => {
    const app = new App({ context: SYNTH_CONTEXT });

    expect(
      () =>
        new AuthorizerModeStack(app, 'Mismatch', {
          project: TEST_PROJECT,
          mode: CUSTOMER_MODE,
          bundle: INTERNAL_BUNDLE,
          handlerEntry: 'unused.ts',
          lambda: { memoryMb: 512, timeoutSeconds: 5 },
          backend: { kind: 'http', url: 'https://example.com' },
        }),
    ).toThrow(new Error('stack for mode customer was given the policy bundle of internal'));
  });
});
