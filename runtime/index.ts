// The runtime library that generated authorizers import.
export { createAuthorizer } from './authorizer.js';
export type { AuthorizationInput, Authorizer, AuthorizerOptions, Outcome, RuntimeDependencies } from './authorizer.js';
export type { ModeConfig, PolicyBundle } from './config.js';
export { httpAuthorizer, restRequestAuthorizer, restTokenAuthorizer, webSocketAuthorizer, UNAUTHORIZED } from './handlers.js';
export type { AuthorizerContext } from './response/responses.js';
export { MemoryTelemetry, type DecisionRecord, type Telemetry } from './observability/telemetry.js';
export type { AuthorizationRequest, Decision, Engine, EngineOptions } from './engine/decision.js';
