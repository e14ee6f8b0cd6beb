// One mode's whole deployment: policy store (AVP modes, or a local mode that asks for one), tables (entities, tenants,
// template links), authorizer Lambda with least-privilege grants, API and alarms.
import { CfnOutput, Stack, Tags, Validations, aws_iam as iam, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { policyBundleVersion } from '../runtime/cache/bundle-version.js';
import type { ModeConfig, PolicyBundle } from '../runtime/config.js';
import { AuthorizerAlarms } from './authorizer-alarms.js';
import { AuthorizerFunction } from './authorizer-function.js';
import { ModeApi, type BackendConfig } from './mode-api.js';
import { ModePolicyStore } from './policy-store.js';
import { modeNames, type ProjectConfig } from './project.js';
import { AuthorizerTable } from './tables.js';

/** ListPolicies: the runtime names the policy ids a decision reports by the @ids in their descriptions. */
export const AVP_AUTHORIZE_ACTIONS = [
  'verifiedpermissions:IsAuthorized',
  'verifiedpermissions:BatchIsAuthorized',
  'verifiedpermissions:ListPolicies',
] as const;
export const DYNAMODB_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem'] as const;

export interface AuthorizerModeStackProps extends StackProps {
  /** The project's settings (generated/project.ts, from project.yaml): names, alarm topic and tags. */
  readonly project: ProjectConfig;
  readonly mode: ModeConfig;
  readonly bundle: PolicyBundle;
  /** The generated authorizer.ts, bundled with esbuild. */
  readonly handlerEntry: string;
  readonly lambda: { readonly memoryMb: number; readonly timeoutSeconds: number; readonly logRetentionDays?: number };
  readonly backend: BackendConfig;
  /**
   * The p99 latency above which the latency alarm fires; where alarms notify is the project's `alarmTopic`.
   * @default - a 1000 ms p99 threshold
   */
  readonly alarms?: { readonly p99LatencyThresholdMs?: number };
}

/**
 * Single-tenant AVP modes get their own policy store; a local-engine mode gets one only with `engine.policyStore:
 * deploy`, since its engine never reads a store. A multi-tenant mode's decisions use one store per tenant, which
 * onboarding creates; its stack holds the tenant table and a *blueprint* store (the same schema, policies, templates
 * and identity source a tenant store gets), which proves at every deployment that AVP accepts the tenant bundle in
 * STRICT mode, and which the authorizer is explicitly denied from using.
 */
export class AuthorizerModeStack extends Stack {
  readonly mode: ModeConfig;
  /**
   * The mode's store, or the multi-tenant blueprint store; none for a local-engine mode unless it asks for one
   * (`engine.policyStore: deploy`), as its engine decides from the bundle inside the Lambda.
   */
  readonly policyStore?: ModePolicyStore;
  readonly authorizer: AuthorizerFunction;
  readonly api: ModeApi;
  readonly alarms: AuthorizerAlarms;
  readonly tenantTable?: AuthorizerTable;
  readonly entityTable?: AuthorizerTable;
  /** A local-engine mode's template links (AVP modes keep theirs in the policy store). */
  readonly templateLinkTable?: AuthorizerTable;

  constructor(scope: Construct, id: string, props: AuthorizerModeStackProps) {
    super(scope, id, props);
    const { mode, bundle, project } = props;
    if (mode.name !== bundle.mode) throw new Error(`stack for mode ${mode.name} was given the policy bundle of ${bundle.mode}`);
    this.mode = mode;
    const names = modeNames(project, mode.name);
    for (const [key, value] of Object.entries(project.tags).sort(([a], [b]) => (a < b ? -1 : 1))) Tags.of(this).add(key, value);

    const environment: Record<string, string> = { AUTHORIZER_MODE: mode.name };
    const statements: iam.PolicyStatement[] = [];
    const tableArns: string[] = [];

    if (mode.tenancy.kind === 'single' && mode.engine.kind === 'avp') {
      this.policyStore = new ModePolicyStore(this, 'PolicyStore', { mode, bundle });
      const storeEnv = mode.engine.policyStore?.env;
      if (storeEnv === undefined)
        throw new Error(`mode ${mode.name}: a single-tenant avp mode needs engine.policyStore (the generator fills in its env)`);
      environment[storeEnv] = this.policyStore.store.attrPolicyStoreId;
      statements.push(new iam.PolicyStatement({ actions: [...AVP_AUTHORIZE_ACTIONS], resources: [this.policyStore.store.attrArn] }));
    } else if (mode.tenancy.kind === 'single') {
      // The local engine decides from the bundle inside the Lambda: no AVP permission, and no store id in its
      // environment. A store it asks for is deployed beside it, for shadow evaluation or a later switch to avp.
      if (mode.engine.policyStore === 'deploy') this.policyStore = new ModePolicyStore(this, 'PolicyStore', { mode, bundle });
    } else {
      const blueprint = new ModePolicyStore(this, 'TenantBlueprint', {
        mode,
        bundle,
        description: `Blueprint of every tenant store of mode ${mode.name}; never used for decisions`,
      });
      this.policyStore = blueprint;
      const lookup = mode.tenancy.policyStoreLookup;
      this.tenantTable = new AuthorizerTable(this, 'TenantTable', { tableName: lookup.table, partitionKey: lookup.keyAttribute });
      environment[lookup.tableEnv] = this.tenantTable.table.tableName;
      tableArns.push(this.tenantTable.table.tableArn);
      statements.push(
        new iam.PolicyStatement({
          actions: [...AVP_AUTHORIZE_ACTIONS],
          // Tenant stores are created after deployment by onboarding, so their ids are unknown here: this account's
          // stores, in any region (AVP store ARNs carry no region). The tenant table alone says which store a tenant uses.
          resources: [this.formatArn({ service: 'verifiedpermissions', region: '', resource: 'policy-store', resourceName: '*' })],
        }),
        new iam.PolicyStatement({
          effect: iam.Effect.DENY,
          actions: [...AVP_AUTHORIZE_ACTIONS],
          resources: [blueprint.store.attrArn],
        }),
      );
    }

    if (mode.entityStore) {
      this.entityTable = new AuthorizerTable(this, 'EntityTable', {
        tableName: `${mode.entityStore.table}-${mode.name}`,
        partitionKey: mode.entityStore.keyAttribute,
      });
      environment[mode.entityStore.tableEnv] = this.entityTable.table.tableName;
      tableArns.push(this.entityTable.table.tableArn);
    }
    if (mode.templateLinks.kind === 'table') {
      const links = mode.templateLinks;
      if (mode.engine.kind !== 'local')
        throw new Error(`mode ${mode.name}: template links are read by the local engine only; AVP keeps them in the policy store`);
      // Per mode, as the entity table is; the runtime finds it through the mode's tableEnv variable.
      this.templateLinkTable = new AuthorizerTable(this, 'TemplateLinkTable', {
        tableName: `${links.table}-${mode.name}`,
        partitionKey: links.keyAttribute,
      });
      environment[links.tableEnv] = this.templateLinkTable.table.tableName;
      tableArns.push(this.templateLinkTable.table.tableArn);
    }
    if (tableArns.length > 0) statements.push(new iam.PolicyStatement({ actions: [...DYNAMODB_READ_ACTIONS], resources: tableArns }));

    this.authorizer = new AuthorizerFunction(this, 'Authorizer', {
      entry: props.handlerEntry,
      modeName: mode.name,
      memoryMb: props.lambda.memoryMb,
      timeoutSeconds: props.lambda.timeoutSeconds,
      ...(props.lambda.logRetentionDays !== undefined ? { logRetentionDays: props.lambda.logRetentionDays } : {}),
      environment,
      policyBundleVersion: policyBundleVersion(bundle),
      metricsNamespace: names.metricsNamespace,
    });
    for (const statement of statements) this.authorizer.role.addToPrincipalPolicy(statement);
    if (mode.tenancy.kind === 'single' && mode.engine.kind === 'avp' && this.policyStore) {
      // The function (its POLICY_BUNDLE_VERSION changes with every policy change) updates after the store's policies:
      // no new environment asks the store before it holds them, and the old ones, whatever they cached, are retired.
      this.authorizer.function.node.addDependency(this.policyStore);
    }
    if (mode.tenancy.kind === 'multi') {
      Validations.of(this.authorizer.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:verifiedpermissions::<AWS::AccountId>:policy-store/*]`,
        reason:
          'Multi-tenant: each tenant has its own policy store, created by onboarding after this stack is deployed, so ' +
          'no store id is known at synth time. The grant is limited to IsAuthorized/BatchIsAuthorized/ListPolicies on policy stores ' +
          "of this account; the store used is the one the tenant table names for the token's tenant, and the blueprint " +
          'store is explicitly denied.',
      });
    }

    this.api = new ModeApi(this, 'Api', {
      mode,
      authorizer: this.authorizer.function,
      backend: props.backend,
      apiName: names.apiName,
      displayName: project.displayName,
    });
    this.alarms = new AuthorizerAlarms(this, 'Alarms', {
      modeName: mode.name,
      function: this.authorizer.function,
      alarmTopic: project.alarmTopic,
      metricsNamespace: names.metricsNamespace,
      dashboardName: names.dashboardName,
      displayName: project.displayName,
      ...(props.alarms?.p99LatencyThresholdMs !== undefined ? { p99LatencyThresholdMs: props.alarms.p99LatencyThresholdMs } : {}),
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: `The ${mode.api.type} API of mode ${mode.name}` });
    // What the deploy pipeline reads back to flush the API's authorizer cache (scripts/aws/stack-outputs.ts).
    new CfnOutput(this, 'ApiId', { value: this.api.apiId });
    new CfnOutput(this, 'ApiStageName', { value: this.api.stageName });
    if (this.policyStore) {
      new CfnOutput(this, mode.tenancy.kind === 'single' ? 'PolicyStoreId' : 'TenantBlueprintPolicyStoreId', {
        value: this.policyStore.store.attrPolicyStoreId,
      });
    }
    if (this.tenantTable) new CfnOutput(this, 'TenantTableName', { value: this.tenantTable.table.tableName });
    if (this.entityTable) new CfnOutput(this, 'EntityTableName', { value: this.entityTable.table.tableName });
    if (this.templateLinkTable) new CfnOutput(this, 'TemplateLinkTableName', { value: this.templateLinkTable.table.tableName });
  }
}
