// Which policy stores a plan compares: the one named, the one the mode's stack deployed, or the tenants' from the
// tenant table.
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { GeneratedMode } from '../../common/generated-modes.js';
import { readStackOutputs, StackOutputsError, type StackOutputKey, type StackOutputs } from '../aws/stack-outputs.js';
import type { TenantTable } from '../tenant/tenant-table.js';
import type { PlanTarget } from './args.js';
import { NoStoreToPlanError, PlanUsageError, UnknownTenantError } from './errors.js';

export type StoreToPlan =
  | { readonly kind: 'found'; readonly name: string; readonly policyStoreId: string }
  /** A tenant of --all-tenants whose table item names no store: reported in its section, the others still planned. */
  | { readonly kind: 'missing'; readonly name: string; readonly reason: string }
  /** The mode's stack is not deployed yet: the first deploy creates the store and everything in it. */
  | { readonly kind: 'not-deployed'; readonly name: string }
  /** The mode deploys no store (the local engine, `engine.policyStore: none`): nothing to plan, not a failure. */
  | { readonly kind: 'no-store'; readonly name: string; readonly reason: string };

export interface FindStoresOptions {
  readonly target: PlanTarget;
  readonly mode: GeneratedMode;
  /** The mode's stack, for its outputs. */
  readonly stackId: string;
  readonly cloudFormation: () => CloudFormationClient;
  /** The tenant table; only multi-tenant modes have one. */
  readonly tenantTable: () => TenantTable;
}

export async function findStores(options: FindStoresOptions): Promise<StoreToPlan[]> {
  const { target, mode } = options;
  const multiTenant = mode.config.tenancy.kind === 'multi';
  switch (target.kind) {
    case 'store':
      return [{ kind: 'found', name: `mode ${mode.name}`, policyStoreId: target.policyStoreId }];
    case 'stack': {
      const { engine } = mode.config;
      if (engine.kind === 'local' && engine.policyStore === 'none') {
        const reason =
          'it uses the local engine and deploys no policy store: its policies ship in the Lambda bundle, and a deploy ' +
          'replaces the function (pass --policy-store-id to compare a store anyway)';
        return [{ kind: 'no-store', name: `mode ${mode.name}`, reason }];
      }
      return [await stackStore(options, multiTenant ? 'TenantBlueprintPolicyStoreId' : 'PolicyStoreId')];
    }
    case 'tenant': {
      if (!multiTenant) throw new PlanUsageError(`mode ${mode.name} is single-tenant; --tenant is for a multi-tenant mode`);
      const table = options.tenantTable();
      const policyStoreId = await table.get(target.tenantId);
      if (policyStoreId === undefined) {
        throw new UnknownTenantError(
          `tenant "${target.tenantId}" is unknown: table ${table.name} has no policy store for it ` +
            '(npm run tenant -- list shows the tenants)',
        );
      }
      return [{ kind: 'found', name: `tenant ${target.tenantId}`, policyStoreId }];
    }
    case 'all-tenants': {
      if (!multiTenant) throw new PlanUsageError(`mode ${mode.name} is single-tenant; --all-tenants is for a multi-tenant mode`);
      const table = options.tenantTable();
      return (await table.list()).map(({ tenantId, policyStoreId }) =>
        policyStoreId === undefined
          ? { kind: 'missing', name: `tenant ${tenantId}`, reason: `table ${table.name} names no policy store for it` }
          : { kind: 'found', name: `tenant ${tenantId}`, policyStoreId },
      );
    }
  }
}

async function stackStore(options: FindStoresOptions, key: StackOutputKey): Promise<StoreToPlan> {
  const { mode, stackId } = options;
  let outputs: StackOutputs;
  try {
    outputs = await readStackOutputs(options.cloudFormation(), stackId);
  } catch (error) {
    // The first deploy of a mode: its plan is every item created, which is what the deploy will do.
    if (error instanceof StackOutputsError && error.code === 'STACK_NOT_FOUND') {
      return { kind: 'not-deployed', name: `mode ${mode.name} (stack ${stackId} is not deployed yet)` };
    }
    throw error;
  }
  const policyStoreId = outputs[key];
  if (policyStoreId !== undefined) {
    const name = key === 'TenantBlueprintPolicyStoreId' ? `mode ${mode.name} (tenant blueprint store)` : `mode ${mode.name}`;
    return { kind: 'found', name, policyStoreId };
  }
  if (mode.config.engine.kind === 'local') {
    throw new NoStoreToPlanError(
      `mode ${mode.name} uses the local engine and stack ${stackId} has no ${key} output: its policies ship in the Lambda bundle, ` +
        'so there is no policy store to plan (pass --policy-store-id to compare one anyway)',
    );
  }
  throw new NoStoreToPlanError(`stack ${stackId} has no output ${key}: deploy the current version (npm run deploy -- ${mode.name})`);
}
