// Reads each store and plans it against the mode's bundle, a few stores at a time; a store that cannot be read
// becomes a failed section, so one bad tenant does not hide the plans of the others.
import type { VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import type { PolicyBundle } from '../../runtime/config.js';
import { StorePlanError } from '../store-plan/errors.js';
import { planStore } from '../store-plan/plan-store.js';
import { withConcurrency } from '../../common/with-concurrency.js';
import { readLiveStore } from '../store-plan/read-store.js';
import type { PlanReport, PlanSection } from '../store-plan/render-plan.js';
import type { StoreToPlan } from './find-stores.js';

/** Stores read at once. Each read keeps up to 8 Get calls in flight, so 4 stores stay well inside AVP's request quotas. */
export const STORES_AT_ONCE = 4;

export interface PlanStoresOptions {
  readonly mode: string;
  readonly stores: readonly StoreToPlan[];
  readonly avp: VerifiedPermissionsClient;
  readonly bundle: Pick<PolicyBundle, 'schema' | 'policies' | 'templates'>;
}

export async function planStores(options: PlanStoresOptions): Promise<PlanReport> {
  const { bundle } = options;
  const desired = { schema: bundle.schema, policies: bundle.policies, templates: bundle.templates };
  const sections = await withConcurrency(options.stores, STORES_AT_ONCE, async (store): Promise<PlanSection> => {
    if (store.kind === 'missing') return { name: store.name, outcome: { kind: 'failed', policyStoreId: undefined, reason: store.reason } };
    if (store.kind === 'no-store') return { name: store.name, outcome: { kind: 'no-store', reason: store.reason } };
    if (store.kind === 'not-deployed') {
      const empty = { policyStoreId: '(created by the first deploy)', schema: undefined, items: [], linkedPolicies: new Map() };
      return { name: store.name, outcome: { kind: 'planned', plan: planStore(empty, desired) } };
    }
    try {
      const live = await readLiveStore(options.avp, store.policyStoreId);
      return { name: store.name, outcome: { kind: 'planned', plan: planStore(live, desired) } };
    } catch (error) {
      if (!(error instanceof StorePlanError)) throw error;
      return { name: store.name, outcome: { kind: 'failed', policyStoreId: store.policyStoreId, reason: error.message } };
    }
  });
  return { mode: options.mode, sections };
}
