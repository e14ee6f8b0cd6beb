// Which policy stores a plan compares: the one named, the one the mode's stack deployed, or the tenants' from the
// tenant table.
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { GeneratedMode } from '../../common/generated-modes.js';
import { readStackOutputs, type StackOutputKey } from '../aws/stack-outputs.js';
import type { TenantTable } from '../tenant/tenant-table.js';
import type { PlanTarget } from './args.js';
import { NoStoreToPlanError, PlanUsageError, UnknownTenantError } from './errors.js';

export type StoreToPlan =
  | { readonly kind: 'found'; readonly name: string; readonly policyStoreId: string }
  /** A tenant of --all-tenants whose table item names no store: reported in its section, the others still planned. */
  | { readonly kind: 'missing'; readonly name: string; readonly reason: string };

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
    case 'stack':
      return [await stackStore(options, multiTenant ? 'TenantBlueprintPolicyStoreId' : 'PolicyStoreId')];
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
  const outputs = await readStackOutputs(options.cloudFormation(), stackId);
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
