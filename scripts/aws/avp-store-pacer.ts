// Keeps the deploy tools (tenant sync, plan) within AVP's per-store request quotas: calls of one operation to one store are spaced out.
//
// AVP's quotas for CreatePolicy, UpdatePolicy, DeletePolicy, GetPolicy, ListPolicies, the template operations and
// PutSchema are 10 requests per second per policy store, per operation ("Quotas for Amazon Verified Permissions",
// section "Quotas for operations per second": https://docs.aws.amazon.com/verifiedpermissions/latest/userguide/quotas.html).
// Spacing each (store, operation) pair by 100 ms keeps a sync or a plan under them by construction, retries included: throttling
// then only comes from other traffic on the same store, and the retry strategy (sync-retry.ts) absorbs it.
import type { VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';

/** 1000 ms / 10 requests per second, AVP's default per-store quota for every operation sync calls. */
export const AVP_PER_STORE_INTERVAL_MS = 100;

export interface PacerOptions {
  /** The least time between two calls of one operation to one store. @default AVP_PER_STORE_INTERVAL_MS */
  readonly intervalMs?: number;
  /** @default performance.now */
  readonly now?: () => number;
}

/** Adds the pacing to every attempt the client makes (after its retry middleware, so a retry waits its turn too). */
export function paceByStore(client: VerifiedPermissionsClient, options: PacerOptions = {}): void {
  const intervalMs = options.intervalMs ?? AVP_PER_STORE_INTERVAL_MS;
  const now = options.now ?? (() => performance.now());
  if (intervalMs <= 0) return;
  /** The next free slot of each store and operation; a slot is taken when a call is sent, so bursts queue. */
  const nextSlot = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { readonly policyStoreId?: unknown };
      if (typeof input.policyStoreId !== 'string') return next(args);
      const key = `${input.policyStoreId}\u0000${context.commandName ?? ''}`;
      const at = now();
      const slot = Math.max(at, nextSlot.get(key) ?? at);
      nextSlot.set(key, slot + intervalMs);
      if (slot > at) await new Promise((resolve) => setTimeout(resolve, slot - at));
      // Forget slots in the past, so a long run over many stores does not keep one entry per store.
      if (nextSlot.size > 10_000) for (const [entry, free] of nextSlot) if (free < now()) nextSlot.delete(entry);
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'tenantSyncPacer' },
  );
}
