// A local mode with `templateLinks` gets its link table, read-only access to it, and the table's name in its environment.
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { AuthorizerModeStack } from '../../infra/authorizer-mode-stack.js';
import type { ModeConfig, PolicyBundle, TemplateLinkSource } from '../../runtime/config.js';
import { SYNTH_CONTEXT } from './support/synthesized-app.js';
import { billingProject } from './support/billing-project.js';
import { TEST_PROJECT } from './support/test-project.js';
import { fixtureMode } from '../support/fixture-domain.js';

const { MODE_CONFIG: CUSTOMER_MODE, POLICY_BUNDLE: CUSTOMER_BUNDLE } = fixtureMode('billing', 'customer');
const { MODE_CONFIG: INTERNAL_MODE, POLICY_BUNDLE: INTERNAL_BUNDLE } = fixtureMode('billing', 'internal');
/** The generated authorizer entry the stacks point at: the billing fixture generated into a scratch project. */
const BILLING = billingProject();

type Resources = Record<string, { Properties: Record<string, unknown> }>;

const LINKS: TemplateLinkSource = {
  kind: 'table',
  table: 'billing-template-links',
  tableEnv: 'TEMPLATE_LINK_TABLE',
  keyAttribute: 'uid',
  cacheTtlSeconds: 5,
};

function stackOf(mode: ModeConfig, bundle: PolicyBundle): AuthorizerModeStack {
  return new AuthorizerModeStack(new App({ context: SYNTH_CONTEXT }), `Links-${mode.name}`, {
    project: TEST_PROJECT,
    mode,
    bundle,
    handlerEntry: BILLING.generated('customer/authorizer.ts'),
    lambda: { memoryMb: 512, timeoutSeconds: 5 },
    backend: { kind: 'http', url: 'https://example.com' },
  });
}

function tableId(t: Template, tableName: string): string {
  const ids = Object.entries(t.findResources('AWS::DynamoDB::Table') as Resources)
    .filter(([, resource]) => resource.Properties['TableName'] === tableName)
    .map(([id]) => id);
  if (ids.length !== 1 || ids[0] === undefined) throw new Error(`expected one table ${tableName}, found ${ids.length}`);
  return ids[0];
}

describe('the template-link table of a local mode', () => {
  // GIVEN the customer mode (local engine) with a template-link table
  const stack = stackOf({ ...CUSTOMER_MODE, templateLinks: LINKS }, CUSTOMER_BUNDLE);
  const template = Template.fromStack(stack);
  const linkTableId = tableId(template, 'billing-template-links-customer');
  const entityTableId = tableId(template, 'billing-entities-customer');

  it("is a per-mode table keyed by the mode's key attribute, kept like the entity table", () => {
    // WHEN synthesized THEN
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        TableName: 'billing-template-links-customer',
        KeySchema: [{ AttributeName: 'uid', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
      },
      DeletionPolicy: 'Retain',
    });
  });

  it('is readable by the authorizer with GetItem and BatchGetItem only, beside the entity table', () => {
    // WHEN synthesized
    const statements = Object.values(template.findResources('AWS::IAM::Policy') as Resources).flatMap(
      (policy) => (policy.Properties['PolicyDocument'] as { Statement: { Action: unknown; Resource: unknown }[] }).Statement,
    );

    // THEN
    expect(statements.filter((s) => JSON.stringify(s.Action).includes('dynamodb:'))).toEqual([
      {
        // Sorted by the recommended flag @aws-cdk/aws-iam:minimizePolicies (cdk.json).
        Action: ['dynamodb:BatchGetItem', 'dynamodb:GetItem'],
        Effect: 'Allow',
        Resource: [{ 'Fn::GetAtt': [entityTableId, 'Arn'] }, { 'Fn::GetAtt': [linkTableId, 'Arn'] }],
      },
    ]);
  });

  it("passes its name to the authorizer in the mode's tableEnv", () => {
    // WHEN synthesized THEN
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { TEMPLATE_LINK_TABLE: { Ref: linkTableId } } },
    });
  });
});

describe('template links outside the local engine', () => {
  it('fail the synth of an avp mode', () => {
    // GIVEN / WHEN / THEN
    expect(() => stackOf({ ...INTERNAL_MODE, templateLinks: LINKS }, INTERNAL_BUNDLE)).toThrow(
      new Error('mode internal: template links are read by the local engine only; AVP keeps them in the policy store'),
    );
  });

  it('are absent from a mode without them: no link table', () => {
    // GIVEN / WHEN
    const stack = stackOf(CUSTOMER_MODE, CUSTOMER_BUNDLE);

    // THEN
    expect(stack.templateLinkTable).toBeUndefined();
    expect(
      Object.values(Template.fromStack(stack).findResources('AWS::DynamoDB::Table') as Resources).map((t) => t.Properties['TableName']),
    ).toEqual(['billing-entities-customer']);
  });
});
