// The shape of a mode YAML file, as modes/mode.schema.json describes it. Only schema-valid data gets this type.

export const API_TYPES = ['rest', 'http', 'websocket'] as const;
export type ApiType = (typeof API_TYPES)[number];

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type IdentitySource =
  | { kind: 'cognito'; userPoolId: string; clientIds: string[]; tokenUse: 'id' | 'access'; userPoolIdEnv?: string }
  | { kind: 'oidc'; issuer: string; jwksUri: string; audience: string; issuerEnv?: string }
  | { kind: 'clientCredentials'; userPoolId: string; clientIds: string[]; scopes: string[]; userPoolIdEnv?: string };

export interface ClaimAttribute {
  claim: string;
  attribute: string;
  /** Mode type spelling: String, Long, Boolean, Set<String>, Set<Long>, Entity<Namespace::Type>. */
  type: string;
  delimiter?: string;
  required?: boolean;
}

export interface ContextSource {
  header?: string;
  query?: string;
  claim?: string;
  type: string;
  required?: boolean;
}

export interface RouteSpec {
  method?: HttpMethod;
  path?: string;
  routeKey?: '$connect';
  action: string;
  resource: { type: string; pathParameter?: string; queryParameter?: string; id?: string };
  context?: Record<string, ContextSource>;
}

export interface ModeFile {
  name: string;
  description: string;
  api: { type: ApiType; authorizer: 'token' | 'request'; tokenHeader?: string; tokenQueryParameter?: string };
  identitySource: IdentitySource;
  claims: {
    principal: { entityType: string; idClaim: string };
    attributes?: ClaimAttribute[];
    groups?: { claim: string; entityType: string };
    tenant?: { claim: string; entityType: string; attribute?: string; asParent?: boolean };
  };
  routes: RouteSpec[];
  cache: { ttlSeconds: number; decisionCacheSize?: number };
  timeouts: { engineMs: number; jwksMs?: number; entityStoreMs?: number };
  engine: { kind: 'local' } | { kind: 'avp'; policyStore?: { id: string; env?: string }; maxRetries?: number };
  tenancy?: {
    kind: 'single' | 'multi';
    pathParameter?: string;
    policyStoreLookup?: {
      table: string;
      tableEnv?: string;
      keyAttribute: string;
      policyStoreIdAttribute: string;
      cacheTtlSeconds?: number;
      negativeCacheTtlSeconds?: number;
      maxEntries?: number;
    };
  };
  entityStore?: { table: string; tableEnv?: string; keyAttribute: string; cacheTtlSeconds?: number };
  policies: string[];
  lambda: { memoryMb: number; timeoutSeconds: number; logRetentionDays?: number };
  backend: { kind: 'http'; url: string } | { kind: 'lambda'; functionArn: string };
}
