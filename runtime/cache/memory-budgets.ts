// The byte budget of each in-Lambda cache, in one place: together they keep an authorizer's caches within 23 MB, so even
// with every cache full a 128 MB Lambda keeps most of its memory for Node, cedar-wasm and the requests in flight.
//
// Entries are bounded apart (the mode's decisionCacheSize and tenant maxEntries, 10,000 entities or principals); the
// byte budget is the bound that holds whatever one entry weighs: an entity with a large attribute, an IAM policy listing
// many routes, a policy store with thousands of policies. Estimates come from runtime/cache/size-estimate.ts.

const MB = 2 ** 20;

/** Each decision cache: an authorizer has two (one route, and all routes for a TOKEN authorizer's policy). */
export const DECISION_CACHE_BYTES = 4 * MB;
/** Verified tokens: their claims, a few hundred bytes to a few KB each. */
export const TOKEN_CACHE_BYTES = 2 * MB;
/** Verified tokens held at once, whatever their size. */
export const TOKEN_CACHE_ENTRIES = 5000;
/** Entities read from the entity store, absent ones remembered included. */
export const ENTITY_CACHE_BYTES = 6 * MB;
/** Template links per principal, read from the link table. */
export const TEMPLATE_LINK_CACHE_BYTES = 2 * MB;
/** Tenant → policy store ids. */
export const TENANT_CACHE_BYTES = 1 * MB;
/** Any cache built without a budget of its own (the AVP policy-name maps: one per policy store). */
export const DEFAULT_CACHE_BYTES = 4 * MB;
