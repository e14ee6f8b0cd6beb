import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Validations, aws_sns as sns } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { billingBuildApp, SYNTH_CONTEXT, synthesizedApp } from './support/synthesized-app.js';

interface ValidationReport {
  readonly pluginReports: readonly {
    pluginName: string;
    conclusion: string;
    violations: readonly { ruleName: string; violatingConstructs: readonly { constructPath: string }[] }[];
  }[];
}

function reportOf(app: App): ValidationReport {
  return JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8')) as ValidationReport;
}

/** construct path → acknowledged rule id → reason, over the whole app. */
function acknowledgements(app: App): Record<string, Record<string, string>> {
  const found: Record<string, Record<string, string>> = {};
  for (const construct of app.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      found[construct.node.path] = { ...found[construct.node.path], ...(entry.data as Record<string, string>) };
    }
  }
  return found;
}

const { app: synthesized } = await synthesizedApp();
const buildApp = await billingBuildApp();

const L1 = 'Annotation::AwsSolutions-L1';
const COG4 = 'Annotation::AwsSolutions-COG4';
const APIG3 = 'Annotation::AwsSolutions-APIG3';
const IAM5_TENANT_STORES =
  'Annotation::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:verifiedpermissions::<AWS::AccountId>:policy-store/*]';

describe("cdk-nag's AWS Solutions checks", () => {
  it('pass on every stack of the app: synth reports no finding, not even a warning', () => {
    expect(reportOf(synthesized).pluginReports).toEqual([]);
  });

  it('are registered by buildApp: a non-compliant resource added to the app fails synth with its rule id', () => {
    // Arrange: an SNS topic that does not enforce TLS for publishers (AwsSolutions-SNS3).
    const app = buildApp(new App({ context: SYNTH_CONTEXT }));
    new sns.Topic(new Stack(app, 'NonCompliant'), 'Topic');

    // Act / Assert
    expect(() => app.synth()).toThrow(/ERROR The SNS Topic does not require publishers to use SSL. \(AwsSolutions\)/);
    const report = reportOf(app);
    expect(report.pluginReports.map((plugin) => [plugin.pluginName, plugin.conclusion])).toEqual([['AwsSolutions', 'failure']]);
    expect(
      report.pluginReports[0]?.violations.map((violation) => [
        violation.ruleName,
        violation.violatingConstructs.map((c) => c.constructPath),
      ]),
    ).toEqual([['AwsSolutions-SNS3', ['NonCompliant/Topic/Resource']]]);
  }, 60_000);

  it('are acknowledged only where a reason is written down, on the construct it concerns', () => {
    const found = acknowledgements(synthesized);

    expect(Object.fromEntries(Object.entries(found).map(([path, rules]) => [path, Object.keys(rules).sort()]))).toEqual({
      'AcmeApiAuthorizer-customer/Authorizer/Function': [L1],
      'AcmeApiAuthorizer-customer/Api/RestApi': [APIG3, COG4],
      'AcmeApiAuthorizer-internal/Authorizer/Function': [L1],
      'AcmeApiAuthorizer-internal/Api/RestApi': [APIG3, COG4],
      'AcmeApiAuthorizer-m2m/Authorizer/Function': [L1],
      'AcmeApiAuthorizer-multi-tenant/Authorizer/Function': [L1],
      'AcmeApiAuthorizer-multi-tenant/Authorizer/Role': [IAM5_TENANT_STORES],
    });
    const shortReasons = Object.values(found)
      .flatMap((rules) => Object.entries(rules))
      .filter(([, reason]) => reason.trim().length < 80);
    expect(shortReasons).toEqual([]);
  });
});
