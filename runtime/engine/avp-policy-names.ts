// Names the AVP policy ids a decision reports by their @ids: one map per policy store, cached, bounded, never blocking.
import type { VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import { SYSTEM_CLOCK, type Clock } from '../../common/clock.js';
import { type CacheSize, TtlLruCache } from '../cache/ttl-lru.js';
import { reasonOf } from '../errors.js';
import { readPolicyNames, type PolicyName } from './policy-name-map.js';

/** What marks an id shown as AVP's own because it could not be named: `avp:<policy id>`. */
export const UNNAMED_POLICY_MARK = 'avp:';

/** How long a store's map is trusted; a policy created since is found sooner, by the refresh an unknown id makes. */
export const POLICY_NAMES_TTL_MS = 15 * 60_000;
/** Stores whose maps are kept at once (a multi-tenant Lambda meets many tenants' stores). */
export const POLICY_NAMES_MAX_STORES = 1000;
/** After a failed read, names stay marked this long before the store is read again: an outage costs no extra calls. */
export const POLICY_NAMES_RETRY_MS = 30_000;

/** Why some ids of a decision are shown as AVP's own: written to the log next to the decision line. */
export interface NamingNotice {
  readonly policyStoreId: string;
  readonly policyIds: readonly string[];
  readonly reason: string;
}

export interface AvpPolicyNamesOptions {
  readonly client: VerifiedPermissionsClient;
  /** The budget of one read of a store, all its pages and the SDK's retries included. */
  readonly readTimeoutMs: number;
  /** @default SYSTEM_CLOCK */
  readonly clock?: Clock;
  /** @default POLICY_NAMES_TTL_MS */
  readonly ttlMs?: number;
  /** @default POLICY_NAMES_MAX_STORES */
  readonly maxStores?: number;
  /** @default POLICY_NAMES_RETRY_MS */
  readonly retryAfterFailureMs?: number;
  /** Where notices go. @default nowhere */
  readonly notify?: (notice: NamingNotice) => void;
}

type StoreNames =
  | {
      readonly kind: 'read';
      readonly names: ReadonlyMap<string, PolicyName>;
      /** Ids already refreshed for once and still unknown: they do not trigger another read before the map expires. */
      readonly refreshedFor: ReadonlySet<string>;
      /** Why an id the map lacks is not named. */
      readonly missing: string;
    }
  | { readonly kind: 'failed'; readonly reason: string };

export class AvpPolicyNames {
  private readonly cache: TtlLruCache<string, StoreNames>;
  private readonly reading = new Map<string, Promise<StoreNames>>();

  constructor(private readonly options: AvpPolicyNamesOptions) {
    this.cache = new TtlLruCache(options.maxStores ?? POLICY_NAMES_MAX_STORES, options.clock ?? SYSTEM_CLOCK);
  }

  /** The stores whose names are held, and their estimated bytes. */
  size(): CacheSize {
    return this.cache.stats();
  }

  /**
   * The names of `policyIds`, in order. Never throws and never waits beyond `budgetMs`: an id it cannot name is
   * `avp:<id>`, and a notice says why. A read that outlives the budget still completes and serves later decisions.
   */
  async nameAll(policyStoreId: string, policyIds: readonly string[], budgetMs: number): Promise<string[]> {
    if (policyIds.length === 0) return [];
    const deadline = performance.now() + budgetMs;
    let names = this.cache.get(policyStoreId) ?? (await this.within(deadline, this.read(policyStoreId, undefined, [])));
    if (names?.kind === 'read') {
      const known = names;
      const unknown = policyIds.filter((id) => !known.names.has(id) && !known.refreshedFor.has(id));
      // A policy created since the map was read: read the store once more, and never again for the same id.
      if (unknown.length > 0) names = (await this.within(deadline, this.read(policyStoreId, known, unknown))) ?? known;
    }
    return this.resolve(policyStoreId, policyIds, names);
  }

  /**
   * `texts` with every policy id of the store's map replaced by its name: AVP's evaluation errors name the policy that
   * failed by its AVP id. Reads the map if it is cold (within `budgetMs`), but never refreshes it for these texts.
   */
  async nameWithin(policyStoreId: string, texts: readonly string[], budgetMs: number): Promise<string[]> {
    if (texts.length === 0) return [];
    const deadline = performance.now() + budgetMs;
    const names = this.cache.get(policyStoreId) ?? (await this.within(deadline, this.read(policyStoreId, undefined, [])));
    if (names?.kind !== 'read') return [...texts];
    return texts.map((text) => {
      let named = text;
      for (const [id, name] of names.names) if (name.kind === 'named' && named.includes(id)) named = named.split(id).join(name.name);
      return named;
    });
  }

  private resolve(policyStoreId: string, policyIds: readonly string[], names: StoreNames | undefined): string[] {
    const why = new Map<string, string[]>();
    const named = policyIds.map((id) => {
      const name: PolicyName =
        names === undefined
          ? { kind: 'unnamed', why: 'the policy names were still being read when the decision was due' }
          : names.kind === 'failed'
            ? { kind: 'unnamed', why: `the policy names could not be read: ${names.reason}` }
            : (names.names.get(id) ?? { kind: 'unnamed', why: names.missing });
      if (name.kind === 'named') return name.name;
      why.set(name.why, [...(why.get(name.why) ?? []), id]);
      return `${UNNAMED_POLICY_MARK}${id}`;
    });
    for (const [reason, ids] of why) this.notify({ policyStoreId, policyIds: ids, reason });
    return named;
  }

  /**
   * One read per store at a time; decisions that arrive meanwhile wait for the same one. A failed refresh keeps the
   * names already read: only the new ids stay marked, until the retry.
   */
  private read(
    policyStoreId: string,
    previous: Extract<StoreNames, { kind: 'read' }> | undefined,
    unknown: readonly string[],
  ): Promise<StoreNames> {
    const pending = this.reading.get(policyStoreId);
    if (pending) return pending;
    const { client, readTimeoutMs } = this.options;
    const refreshedFor = new Set([...(previous?.refreshedFor ?? []), ...unknown]);
    const read = readPolicyNames(client, policyStoreId, AbortSignal.timeout(readTimeoutMs))
      .then((names): StoreNames => {
        const read: StoreNames = { kind: 'read', names, refreshedFor, missing: 'ListPolicies does not list it, even after a refresh' };
        this.cache.set(policyStoreId, read, this.options.ttlMs ?? POLICY_NAMES_TTL_MS);
        return read;
      })
      .catch((error: unknown): StoreNames => {
        const reason = `ListPolicies failed (${error instanceof Error ? error.name : 'Error'}): ${reasonOf(error)}`;
        const failed: StoreNames = previous
          ? { ...previous, refreshedFor, missing: `the policy names could not be refreshed: ${reason}` }
          : { kind: 'failed', reason };
        this.cache.set(policyStoreId, failed, this.options.retryAfterFailureMs ?? POLICY_NAMES_RETRY_MS);
        return failed;
      })
      .finally(() => this.reading.delete(policyStoreId));
    this.reading.set(policyStoreId, read);
    return read;
  }

  /** The read's result if it settles before the deadline, else undefined (the read goes on). */
  private async within(deadline: number, read: Promise<StoreNames>): Promise<StoreNames | undefined> {
    const remaining = deadline - performance.now();
    if (remaining <= 0) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), remaining);
      timer.unref();
    });
    try {
      return await Promise.race([read, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private notify(notice: NamingNotice): void {
    try {
      this.options.notify?.(notice);
    } catch {
      // A notice is telemetry: it never changes a decision.
    }
  }
}
