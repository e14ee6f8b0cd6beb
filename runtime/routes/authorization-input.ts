// A request as every API type can describe it: what each Lambda handler builds from API Gateway's event.
import type { RouteIdentity } from '../decisions/route-identity.js';
import type { ValueMap } from '../request/single-value.js';
import type { RawToken } from '../token/extract-token.js';

export interface AuthorizationInput {
  readonly rawToken: RawToken;
  /** `GET`, `POST`...; absent for WebSocket $connect. */
  readonly method?: string;
  /** The concrete path, `/accounts/acct-1`; absent for WebSocket $connect. */
  readonly path?: string;
  readonly connect?: boolean;
  /** The route API Gateway chose, where the event names it; a REST TOKEN event (only `methodArn`) has none. */
  readonly routeIdentity?: RouteIdentity;
  /** Every copy of every header and query value, so the one reader can refuse a repeat (runtime/request/single-value.ts). */
  readonly headers: ValueMap;
  readonly query: ValueMap;
  /** What the event's request context says; a TOKEN authorizer's event has none. */
  readonly requestContext?: RequestFacts;
}

/** Facts API Gateway records about a request, read by `request` context sources. */
export interface RequestFacts {
  /** The client's address, as API Gateway saw it (`requestContext.identity.sourceIp` or `.http.sourceIp`). */
  readonly sourceIp?: string;
  /** When API Gateway received the request, in epoch milliseconds (`requestTimeEpoch` or `timeEpoch`). */
  readonly requestTimeEpochMs?: number;
}
