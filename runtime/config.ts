// The configuration of one authorizer mode, as the generator writes it into each generated handler.
// Every default is already filled in: the runtime never guesses.

export type ApiType = 'rest' | 'http' | 'websocket';
export type AuthorizerKind = 'token' | 'request';

/**
 * The Cedar type a claim or a request value is converted to, spelled as Cedar schemas spell it: `String`, `Long`,
 * `Boolean`, the extension types `decimal`, `ipaddr`, `datetime` and `duration`, `Set<T>`, `Entity<Ns::Type>`, or a
 * record `{ name: T, optional?: T }` (attribute names sorted, one space after `{` and `:`, before `}`). The generator
 * writes the canonical spelling; `runtime/claims/value-type.ts` parses it once at init.
 */
export type ValueType = string;

/** The extension types, by the names Cedar schemas use (`ipaddr`; its constructor function is `ip`). */
export const EXTENSION_TYPES = ['decimal', 'ipaddr', 'datetime', 'duration'] as const;
export type ExtensionType = (typeof EXTENSION_TYPES)[number];

export type IdentitySourceConfig =
  | {
      readonly kind: 'cognito';
      readonly userPoolId: string;
      readonly clientIds: readonly string[];
      readonly tokenUse: 'id' | 'access';
      /** Environment variable that, when set, replaces userPoolId (one mode file, a pool per stage). */
      readonly userPoolIdEnv?: string;
    }
  | {
      readonly kind: 'oidc';
      readonly issuer: string;
      readonly jwksUri: string;
      readonly audience: string;
      /** Environment variable that, when set, replaces the issuer; the JWKS URI keeps its path below the issuer. */
      readonly issuerEnv?: string;
    }
  | {
      readonly kind: 'clientCredentials';
      readonly userPoolId: string;
      readonly clientIds: readonly string[];
      /** A token must carry at least one of these scopes. */
      readonly scopes: readonly string[];
      readonly userPoolIdEnv?: string;
    };

export interface ClaimAttributeConfig {
  readonly claim: string;
  readonly attribute: string;
  readonly type: ValueType;
  /** Splits a string claim into a set (Cognito's space-delimited `scope`). */
  readonly delimiter?: string;
  readonly required: boolean;
  /**
   * `json`: the claim's JSON type must match exactly. `text`: the claim is a string holding the value (Cognito custom
   * attributes always are: `"custom:clearance": "3"`), parsed with the exact rules used for headers.
   */
  readonly encoding: ClaimEncoding;
}

export type ClaimEncoding = 'json' | 'text';

/**
 * Where the principal's attributes come from. `token`: the claims alone. `token-and-store`: the claims, completed by
 * the principal's own stored entity (attributes the token lacks, and its parents); `wins` says which source's value
 * stands where both have one.
 */
export type PrincipalAttributeSource = { readonly kind: 'token' } | { readonly kind: 'token-and-store'; readonly wins: 'token' | 'store' };

export interface ClaimsConfig {
  readonly principal: { readonly entityType: string; readonly idClaim: string; readonly attributeSource: PrincipalAttributeSource };
  readonly attributes: readonly ClaimAttributeConfig[];
  readonly groups?: { readonly claim: string; readonly entityType: string };
  readonly tenant?: { readonly claim: string; readonly entityType: string; readonly attribute?: string; readonly asParent: boolean };
}

/** What API Gateway's request context tells about a request, beyond its headers and query string. */
export const REQUEST_CONTEXT_KEYS = ['sourceIp', 'requestTime'] as const;
export type RequestContextKey = (typeof REQUEST_CONTEXT_KEYS)[number];

export type ContextValueConfig =
  | {
      readonly name: string;
      readonly source: 'header' | 'query';
      /** Header name or query parameter. */
      readonly key: string;
      readonly type: ValueType;
      readonly required: boolean;
    }
  | {
      readonly name: string;
      readonly source: 'claim';
      readonly key: string;
      readonly type: ValueType;
      readonly required: boolean;
      readonly encoding: ClaimEncoding;
    }
  | {
      readonly name: string;
      /** `sourceIp` (typed `ipaddr`) or `requestTime` (typed `datetime`), from the event's request context. */
      readonly source: 'request';
      readonly key: RequestContextKey;
      readonly type: ValueType;
      readonly required: true;
    };

/** What every route has: its key, the action it asks for, where its resource comes from, and its context. */
interface RouteBase {
  /** `GET /accounts/{accountId}`, or `$connect` for WebSocket. */
  readonly key: string;
  readonly action: string;
  readonly resource: {
    readonly type: string;
    readonly pathParameter?: string;
    readonly queryParameter?: string;
    /** A fixed resource id, for routes whose resource is always the same. */
    readonly id?: string;
  };
  readonly context: readonly ContextValueConfig[];
}

/** A REST or HTTP API route: its method and path are always present. */
export interface HttpRoute extends RouteBase {
  readonly kind: 'http';
  readonly method: string;
  readonly path: string;
}

/** A WebSocket API's `$connect`: the one route its authorizer is called for; it has no method or path. */
export interface ConnectRoute extends RouteBase {
  readonly kind: 'connect';
  readonly routeKey: '$connect';
}

export type RouteConfig = HttpRoute | ConnectRoute;

/**
 * Whether the stack of a local-engine mode also deploys an AVP policy store with the mode's bundle (for shadow
 * evaluation or a later switch to `avp`). Infrastructure only: the local engine never reads a store.
 */
export type LocalPolicyStore = 'none' | 'deploy';

export type EngineConfig =
  | { readonly kind: 'local'; readonly policyStore: LocalPolicyStore }
  | {
      readonly kind: 'avp';
      readonly policyStore?: { readonly id: string; readonly env?: string };
      readonly maxRetries: number;
    };

export type TenancyConfig =
  | { readonly kind: 'single' }
  | {
      readonly kind: 'multi';
      readonly pathParameter?: string;
      readonly policyStoreLookup: {
        readonly table: string;
        /** The variable whose value, when set, replaces `table` (the stack sets it); MODE_DEFAULTS names it when the mode does not. */
        readonly tableEnv: string;
        readonly keyAttribute: string;
        readonly policyStoreIdAttribute: string;
        readonly cacheTtlSeconds: number;
        readonly negativeCacheTtlSeconds: number;
        readonly maxEntries: number;
      };
    };

export interface EntityStoreConfig {
  readonly table: string;
  /** The variable whose value, when set, replaces `table` (the stack sets it); MODE_DEFAULTS names it when the mode does not. */
  readonly tableEnv: string;
  readonly keyAttribute: string;
  readonly cacheTtlSeconds: number;
  /**
   * How far the loader follows parents and entity-valued attributes from the request's own entities (principal, its
   * groups and tenant, resource): one batched read per level. Hitting either bound is a Deny with its own reason.
   */
  readonly maxDepth: number;
  readonly maxEntities: number;
}

/**
 * Where a local-engine mode reads its template links (AVP modes keep them in the policy store). One item per linked
 * `?principal`, keyed by its uid spelling (`Ns::User::"alice"`), whose `links` attribute holds a JSON list of
 * `{ id, templateId, resource }`; read with the principal's ancestors in one batch, and cached like entities.
 */
export type TemplateLinkSource =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'table';
      readonly table: string;
      /** The variable whose value, when set, replaces `table` (the stack sets it); MODE_DEFAULTS names it when the mode does not. */
      readonly tableEnv: string;
      readonly keyAttribute: string;
      readonly cacheTtlSeconds: number;
    };

export interface ModeConfig {
  readonly name: string;
  readonly api: {
    readonly type: ApiType;
    readonly authorizer: AuthorizerKind;
    readonly tokenHeader: string;
    readonly tokenQueryParameter?: string;
  };
  readonly identitySource: IdentitySourceConfig;
  readonly claims: ClaimsConfig;
  readonly routes: readonly RouteConfig[];
  readonly cache: { readonly ttlSeconds: number; readonly decisionCacheSize: number };
  readonly timeouts: { readonly engineMs: number; readonly jwksMs: number; readonly entityStoreMs: number };
  readonly engine: EngineConfig;
  readonly tenancy: TenancyConfig;
  readonly entityStore?: EntityStoreConfig;
  readonly templateLinks: TemplateLinkSource;
  /** The entity type of actions, such as `Ns::Action`. */
  readonly actionEntityType: string;
  /**
   * Present only when the mode enables decision records: a mode that does not set them generates the same config,
   * byte for byte, as before they existed. Absent means off.
   */
  readonly decisionRecords?: DecisionRecordsConfig;
}

/** Replayable decision records (runtime/observability/decision-record.ts), written per evaluated decision. */
export interface DecisionRecordsConfig {
  /** Claims whose values a record replaces with a marker, wherever the mode put them (principal attribute, context). */
  readonly redactClaims: readonly string[];
}

/** What the local engine and AVP's CloudFormation resources consume: policies keyed by @id, plus the schema. */
export interface PolicyBundle {
  readonly mode: string;
  readonly namespace: string;
  /** The schema in Cedar JSON form. */
  readonly schema: Record<string, unknown>;
  readonly policies: Readonly<Record<string, string>>;
  readonly templates: Readonly<Record<string, string>>;
}
