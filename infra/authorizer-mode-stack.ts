// One mode's whole deployment: policy store, tables, authorizer Lambda with least-privilege grants, and the API.
import { CfnOutput, Stack, aws_iam as iam, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { ModeConfig, PolicyBundle } from '../runtime/config.js';
import { AuthorizerFunction } from './authorizer-function.js';
import { ModeApi, type BackendConfig } from './mode-api.js';
import { ModePolicyStore } from './policy-store.js';
import { AuthorizerTable } from './tables.js';

export interface AuthorizerModeStackProps extends StackProps {
  readonly mode: ModeConfig;
  readonly bundle: PolicyBundle;
  /** The generated authorizer.ts, bundled with esbuild. */
  readonly handlerEntry: string;
  readonly lambda: { readonly memoryMb: number; readonly timeoutSeconds: number; readonly logRetentionDays?: number };
  readonly backend: BackendConfig;
}

export class AuthorizerModeStack extends Stack {
  readonly policyStore?: ModePolicyStore;

  constructor(scope: Construct, id: string, props: AuthorizerModeStackProps) {
    super(scope, id, props);
    const { mode, bundle } = props;
    if (mode.name !== bundle.mode) throw new Error(`stack for mode ${mode.name} was given the policy bundle of ${bundle.mode}`);

    const environment: Record<string, string> = { AUTHORIZER_MODE: mode.name };
    const grants: iam.PolicyStatement[] = [];

    // A multi-tenant mode's stores are made per tenant by onboarding (npm run tenant -- create), not by the stack.
    if (mode.tenancy.kind === 'single') {
      const policyStore = new ModePolicyStore(this, 'PolicyStore', { mode, bundle });
      this.policyStore = policyStore;
      if (mode.engine.kind === 'avp') {
        environment[mode.engine.policyStore?.env ?? 'POLICY_STORE_ID'] = policyStore.store.attrPolicyStoreId;
        grants.push(
          new iam.PolicyStatement({
            actions: ['verifiedpermissions:IsAuthorized', 'verifiedpermissions:BatchIsAuthorized'],
            resources: [policyStore.store.attrArn],
          }),
        );
      }
    } else {
      const lookup = mode.tenancy.policyStoreLookup;
      const tenants = new AuthorizerTable(this, 'TenantTable', { tableName: lookup.table, partitionKey: lookup.keyAttribute });
      environment[lookup.tableEnv ?? 'TENANT_TABLE'] = tenants.table.tableName;
      grants.push(
        new iam.PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'], resources: [tenants.table.tableArn] }),
        new iam.PolicyStatement({
          actions: ['verifiedpermissions:IsAuthorized', 'verifiedpermissions:BatchIsAuthorized'],
          // Tenant stores are created after deployment, so their ids are unknown here: scope to this account's stores.
          resources: [this.formatArn({ service: 'verifiedpermissions', region: '', resource: 'policy-store', resourceName: '*' })],
        }),
      );
    }

    if (mode.entityStore) {
      const entities = new AuthorizerTable(this, 'EntityTable', {
        tableName: `${mode.entityStore.table}-${mode.name}`,
        partitionKey: mode.entityStore.keyAttribute,
      });
      environment[mode.entityStore.tableEnv ?? 'ENTITY_TABLE'] = entities.table.tableName;
      grants.push(
        new iam.PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'], resources: [entities.table.tableArn] }),
      );
    }

    const authorizer = new AuthorizerFunction(this, 'Authorizer', {
      entry: props.handlerEntry,
      modeName: mode.name,
      memoryMb: props.lambda.memoryMb,
      timeoutSeconds: props.lambda.timeoutSeconds,
      ...(props.lambda.logRetentionDays !== undefined ? { logRetentionDays: props.lambda.logRetentionDays } : {}),
      environment,
    });
    for (const grant of grants) authorizer.function.addToRolePolicy(grant);

    const api = new ModeApi(this, 'Api', { mode, authorizer: authorizer.function, backend: props.backend });
    new CfnOutput(this, 'ApiUrl', { value: api.url });
  }
}
