// A request as every API type can describe it: what each Lambda handler builds from API Gateway's event.

export interface AuthorizationInput {
  readonly rawToken: string | undefined;
  /** `GET`, `POST`...; absent for WebSocket $connect. */
  readonly method?: string;
  /** The concrete path, `/accounts/acct-1`; absent for WebSocket $connect. */
  readonly path?: string;
  readonly connect?: boolean;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
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
