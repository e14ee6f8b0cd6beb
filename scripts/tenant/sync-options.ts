// What `tenant sync` is asked to do, as the command line gives it: which tenants, and how many at once.

export type SyncTarget = { readonly kind: 'one'; readonly tenantId: string } | { readonly kind: 'all' };

/**
 * 10 tenants at a time. AVP's write and read quotas are per store (10 requests per second per operation, kept by
 * scripts/aws/avp-store-pacer.ts), so they do not bound how many stores are synced at once; 10 keeps one run to about 100 requests per
 * second of any one operation across the account, far from any account-level limit, and leaves room for live traffic.
 */
export const DEFAULT_SYNC_CONCURRENCY = 10;
