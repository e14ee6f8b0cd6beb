// The sequence every evaluation shares, one route or all routes: verify the token, map its claims to the principal,
// then find the policy store and load the entities and the principal's template links, in parallel where they can be.
import type { EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import { principalFromClaims, type Principal } from '../claims/principal-entity.js';
import type { EngineOptions } from '../engine/decision.js';
import { ConfigError } from '../errors.js';
import type { PolicyStoreResolver } from '../tenancy/policy-store-resolver.js';
import type { TemplateLinkStore } from '../templates/link-store.js';
import type { TokenVerifier, VerifiedToken } from '../token/verify-token.js';
import type { CompiledMode } from '../wiring/compile-mode.js';
import type { EntityLoader } from './entity-loader.js';

/** Who is asking, known once the token is verified. */
export interface Identity {
  readonly verified: VerifiedToken;
  readonly principal: Principal;
  readonly mapping: CompiledMode;
}

/** What an evaluation reads, decided once the principal is known: its resources, and whether each must be stored. */
export interface ResourcePlan<T> {
  readonly resources: readonly TypeAndId[];
  readonly resourcesRequired: boolean;
  /** Whatever else the caller worked out with the identity (the route's resource and context), handed back as is. */
  readonly request: T;
}

export interface LoadedRequest<T> extends Identity {
  readonly request: T;
  readonly entities: readonly EntityJson[];
  readonly options: EngineOptions;
}

export interface RequestLoaderOptions {
  readonly compiled: CompiledMode | ConfigError;
  readonly verifier: TokenVerifier;
  readonly storeResolver: PolicyStoreResolver;
  readonly entityLoader: EntityLoader;
  /** Present in local-engine modes that read template links from a table. */
  readonly linkStore?: TemplateLinkStore;
}

export type RequestLoader = <T>(token: string, plan: (identity: Identity) => ResourcePlan<T>) => Promise<LoadedRequest<T>>;

export function createRequestLoader({ compiled, verifier, storeResolver, entityLoader, linkStore }: RequestLoaderOptions): RequestLoader {
  return async (token, plan) => {
    if (compiled instanceof ConfigError) throw compiled;
    const verified = await verifier.verify(token);
    const identity: Identity = { verified, principal: principalFromClaims(verified.claims, compiled.claims), mapping: compiled };
    const { resources, resourcesRequired, request } = plan(identity);
    const { principal } = identity;
    const [store, loading] = await Promise.allSettled([
      storeResolver.resolve(principal.tenantId),
      entityLoader.load({ principal, resources, resourcesRequired }),
    ]);
    // Both run at once; when both fail, the tenant's failure is the reason, as it comes first in the pipeline.
    if (store.status === 'rejected') throw store.reason;
    if (loading.status === 'rejected') throw loading.reason;
    const policyStoreId = store.value;
    const loaded = loading.value;
    const links = linkStore ? await linkStore.linksFor([principal.uid, ...loaded.principalAncestors]) : undefined;
    const options: EngineOptions = {
      ...(policyStoreId ? { policyStoreId } : {}),
      ...(links ? { templateLinks: [...links].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) } : {}),
    };
    return { ...identity, request, entities: loaded.entities, options };
  };
}
