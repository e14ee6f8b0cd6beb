import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { AuthorizerFunction, type AuthorizerFunctionProps } from '../../infra/authorizer-function.js';
import { billingProject } from './support/billing-project.js';
import { bareStack, logicalIdOfOnly } from './support/synthesized-app.js';

const ENTRY = billingProject().generated('customer/authorizer.ts');
const PROPS: AuthorizerFunctionProps = {
  entry: ENTRY,
  modeName: 'customer',
  memoryMb: 512,
  timeoutSeconds: 5,
  logRetentionDays: 90,
  environment: { AUTHORIZER_MODE: 'customer' },
  policyBundleVersion: '0123456789abcdef',
  metricsNamespace: 'AcmeApiAuthorizer',
};

function functionTemplate(props: Partial<AuthorizerFunctionProps> = {}): Template {
  const stack = bareStack();
  new AuthorizerFunction(stack, 'Authorizer', { ...PROPS, ...props });
  return Template.fromStack(stack);
}

describe('AuthorizerFunction', () => {
  const template = functionTemplate();

  it('runs on Node.js 22 on arm64 with the given memory, timeout and environment, in its own log group and role', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 512,
      Timeout: 5,
      Environment: {
        Variables: {
          POWERTOOLS_SERVICE_NAME: 'authorizer-customer',
          POWERTOOLS_METRICS_NAMESPACE: 'AcmeApiAuthorizer',
          AUTHORIZER_MODE: 'customer',
          POLICY_BUNDLE_VERSION: '0123456789abcdef',
        },
      },
      LoggingConfig: { LogGroup: { Ref: logicalIdOfOnly(template, 'AWS::Logs::LogGroup') } },
      Role: { 'Fn::GetAtt': [logicalIdOfOnly(template, 'AWS::IAM::Role'), 'Arn'] },
    });
  });

  it('keeps its logs for the given number of days', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });

  it('keeps its logs 30 days by default', () => {
    functionTemplate({ logRetentionDays: undefined }).hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('has a role assumable by Lambda only, with no managed policy, that may write to its own log group only', () => {
    const roles = Object.values(template.findResources('AWS::IAM::Role')) as { Properties: Record<string, unknown> }[];
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as { Properties: { PolicyDocument: unknown } }[];

    expect(roles.map((role) => [role.Properties['AssumeRolePolicyDocument'], role.Properties['ManagedPolicyArns']])).toEqual([
      [
        {
          Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
          Version: '2012-10-17',
        },
        undefined,
      ],
    ]);
    expect(policies.map((policy) => policy.Properties.PolicyDocument)).toEqual([
      {
        Statement: [
          {
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [logicalIdOfOnly(template, 'AWS::Logs::LogGroup'), 'Arn'] },
          },
        ],
        Version: '2012-10-17',
      },
    ]);
  });

  it.each([
    [{ memoryMb: 64 }, 'mode customer: lambda.memoryMb must be an integer from 128 to 10240, got 64'],
    [{ memoryMb: 10_241 }, 'mode customer: lambda.memoryMb must be an integer from 128 to 10240, got 10241'],
    [{ timeoutSeconds: 0 }, 'mode customer: lambda.timeoutSeconds must be an integer from 1 to 29, got 0'],
    [{ timeoutSeconds: 30 }, 'mode customer: lambda.timeoutSeconds must be an integer from 1 to 29, got 30'],
    [{ logRetentionDays: 31 }, 'mode customer: log retention of 31 days is not one CloudWatch offers'],
  ])('refuses %o, failing synth', (props, message) => {
    expect(() => functionTemplate(props)).toThrow(new Error(message));
  });
});

describe('AuthorizerFunction bundling', () => {
  it('bundles the handler locally with esbuild into index.js and copies cedar_wasm_bg.wasm beside it', () => {
    // Arrange: an app that bundles (no aws:cdk:bundling-stacks context), as `cdk synth` does.
    const app = new App();
    const stack = new Stack(app, 'Bundled');
    new AuthorizerFunction(stack, 'Authorizer', PROPS);

    // Act
    const assembly = app.synth();

    // Assert
    const assetDirs = readdirSync(assembly.directory).filter((entry) => entry.startsWith('asset.'));
    expect(assetDirs).toHaveLength(1);
    const files = readdirSync(join(assembly.directory, assetDirs[0] as string)).sort();
    expect(files).toEqual(['cedar_wasm_bg.wasm', 'index.js']);
    const bundle = join(assembly.directory, assetDirs[0] as string, 'index.js');
    expect(existsSync(bundle)).toBe(true);
    expect(statSync(bundle).size).toBeLessThan(1024 * 1024);
    // The AWS SDK stays external, as NodejsFunction does for Node 22: Lambda provides it.
    expect(readFileSync(bundle, 'utf8')).toContain('require("@aws-sdk/client-dynamodb")');
  }, 60_000);
});
