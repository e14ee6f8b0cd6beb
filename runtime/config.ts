// The configuration of one authorizer mode, as the generator writes it into each generated handler.
// Every default is already filled in: the runtime never guesses.

export type ApiType = 'rest' | 'http' | 'websocket';
export type AuthorizerKind = 'token' | 'request';

/** Cedar types a claim or a request value may be converted to. */
export type ValueType = 'String' | 'Long' | 'Boolean' | 'Set<String>' | 'Set<Long>' | `Entity<${string}>`;

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
}

export interface ClaimsConfig {
  readonly principal: { readonly entityType: string; readonly idClaim: string };
  readonly attributes: readonly ClaimAttributeConfig[];
  readonly groups?: { readonly claim: string; readonly entityType: string };
  readonly tenant?: { readonly claim: string; readonly entityType: string; readonly attribute?: string; readonly asParent: boolean };
}

export interface ContextValueConfig {
  readonly name: string;
  readonly source: 'header' | 'query' | 'claim';
  /** Header name, query parameter or claim name. */
  readonly key: string;
  readonly type: ValueType;
  readonly required: boolean;
}

export interface RouteConfig {
  /** `GET /accounts/{accountId}`, or `$connect` for WebSocket. */
  readonly key: string;
  readonly method?: string;
  readonly path?: string;
  readonly routeKey?: '$connect';
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

export type EngineConfig =
  | { readonly kind: 'local' }
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
        readonly tableEnv?: string;
        readonly keyAttribute: string;
        readonly policyStoreIdAttribute: string;
        readonly cacheTtlSeconds: number;
        readonly negativeCacheTtlSeconds: number;
        readonly maxEntries: number;
      };
    };

export interface EntityStoreConfig {
  readonly table: string;
  readonly tableEnv?: string;
  readonly keyAttribute: string;
  readonly cacheTtlSeconds: number;
}

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
  /** The entity type of actions, such as `Payments::Action`. */
  readonly actionEntityType: string;
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
