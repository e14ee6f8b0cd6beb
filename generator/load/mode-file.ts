// The shape of a mode YAML file, as generator/schemas/mode.schema.json describes it. Only schema-valid data gets this type.
import type { LocalPolicyStore } from '../../runtime/config.js';

export const API_TYPES = ['rest', 'http', 'websocket'] as const;
export type ApiType = (typeof API_TYPES)[number];

/** The methods API Gateway routes (REST PutMethod, HTTP API route keys); `ANY` matches every method without a route of its own. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS' | 'ANY';

export type IdentitySource =
  | { kind: 'cognito'; userPoolId: string; clientIds: string[]; tokenUse: 'id' | 'access'; userPoolIdEnv?: string }
  | { kind: 'oidc'; issuer: string; jwksUri: string; audience: string; issuerEnv?: string }
  | { kind: 'clientCredentials'; userPoolId: string; clientIds: string[]; scopes: string[]; userPoolIdEnv?: string };

export const CLAIM_ENCODINGS = ['json', 'text'] as const;
export type ClaimCarriedAs = (typeof CLAIM_ENCODINGS)[number];

export interface ClaimAttribute {
  claim: string;
  attribute: string;
  /** A Cedar type as schemas spell it (`Long`, `decimal`, `Set<ipaddr>`, `{ city: String, zip?: String }`). */
  type: string;
  delimiter?: string;
  required?: boolean;
  carriedAs?: ClaimCarriedAs;
}

export type RequestContextField = 'sourceIp' | 'requestTime';

/** Exactly one of header, query, claim and request (the mode schema's `oneOf`). */
export interface ContextSource {
  header?: string;
  query?: string;
  claim?: string;
  request?: RequestContextField;
  type: string;
  required?: boolean;
  /** Claims only. */
  carriedAs?: ClaimCarriedAs;
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
    principal: { entityType: string; idClaim: string; fromStore?: { wins?: 'token' | 'store' } };
    attributes?: ClaimAttribute[];
    groups?: { claim: string; entityType: string };
    tenant?: { claim: string; entityType: string; attribute?: string; asParent?: boolean };
  };
  routes: RouteSpec[];
  cache: { ttlSeconds: number; decisionCacheSize?: number };
  timeouts: { engineMs: number; jwksMs?: number; entityStoreMs?: number };
  engine:
    | { kind: 'local'; policyStore?: LocalPolicyStore }
    | { kind: 'avp'; policyStore?: { id: string; env?: string }; maxRetries?: number };
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
  entityStore?: {
    table: string;
    tableEnv?: string;
    keyAttribute: string;
    cacheTtlSeconds?: number;
    maxDepth?: number;
    maxEntities?: number;
  };
  templateLinks?: { table: string; tableEnv?: string; keyAttribute: string; cacheTtlSeconds?: number };
  decisionRecords?: { enabled: boolean; redactClaims?: string[] };
  policies: string[];
  lambda: { memoryMb: number; timeoutSeconds: number; logRetentionDays?: number };
  backend: { kind: 'http'; url: string } | { kind: 'lambda'; functionArn: string };
}
