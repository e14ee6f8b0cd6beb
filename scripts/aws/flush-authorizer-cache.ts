// Clears a deployed API stage's authorizer cache, so a policy change is enforced at once instead of after the cache TTL:
// FlushStageAuthorizersCache for a REST API, ResetAuthorizersCache for an HTTP API. A WebSocket API has no such cache
// (AuthorizerResultTtlInSeconds is "supported only for HTTP API Lambda authorizers"), so nothing is called for it.
import { APIGatewayClient, FlushStageAuthorizersCacheCommand } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client, ResetAuthorizersCacheCommand } from '@aws-sdk/client-apigatewayv2';
import type { ApiType } from '../../runtime/config.js';
import { isLoopback } from '../tenant/settings.js';

export interface FlushRequest {
  readonly apiType: ApiType;
  readonly apiId: string;
  readonly stageName: string;
  /** Undefined: the SDK's own chain (AWS_REGION, then the profile). */
  readonly region?: string;
  /** Undefined: API Gateway's endpoint for the region; a local gateway's managementUrl in tests. */
  readonly endpoint?: string;
}

export type FlushResult =
  | {
      readonly kind: 'flushed';
      readonly operation: 'FlushStageAuthorizersCache' | 'ResetAuthorizersCache';
      readonly apiId: string;
      readonly stageName: string;
    }
  | { readonly kind: 'nothing-to-flush'; readonly apiId: string; readonly stageName: string; readonly reason: string };

export class FlushError extends Error {
  override readonly name = 'FlushError';
  constructor(
    readonly code: 'API_NOT_FOUND' | 'FLUSH_FAILED',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A local endpoint checks no signature: fixed fake credentials spare the SDK a search for real ones. */
const LOCAL_CREDENTIALS = { accessKeyId: 'LOCALFLUSHCLI', secretAccessKey: 'local-endpoint-checks-no-signature' };

export async function flushAuthorizerCache(request: FlushRequest): Promise<FlushResult> {
  const { apiType, apiId, stageName } = request;
  if (apiType === 'websocket') {
    return { kind: 'nothing-to-flush', apiId, stageName, reason: 'API Gateway caches no authorizer result for a WebSocket API' };
  }
  const config = {
    ...(request.region !== undefined ? { region: request.region } : {}),
    ...(request.endpoint !== undefined ? { endpoint: request.endpoint } : {}),
    ...(request.endpoint !== undefined && isLoopback(request.endpoint) ? { credentials: LOCAL_CREDENTIALS } : {}),
    // No call may hang a deploy: one that gets no answer fails like any other error.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
  };
  try {
    if (apiType === 'rest') {
      const client = new APIGatewayClient(config);
      try {
        await client.send(new FlushStageAuthorizersCacheCommand({ restApiId: apiId, stageName }));
      } finally {
        client.destroy();
      }
      return { kind: 'flushed', operation: 'FlushStageAuthorizersCache', apiId, stageName };
    }
    const client = new ApiGatewayV2Client(config);
    try {
      await client.send(new ResetAuthorizersCacheCommand({ ApiId: apiId, StageName: stageName }));
    } finally {
      client.destroy();
    }
    return { kind: 'flushed', operation: 'ResetAuthorizersCache', apiId, stageName };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    const reason = error instanceof Error ? error.message : String(error);
    if (name === 'NotFoundException') {
      throw new FlushError(
        'API_NOT_FOUND',
        `no ${apiType.toUpperCase()} API ${apiId} with stage ${stageName} in this account and region (${reason}): ` +
          'check --api-id, --stage and --region, or deploy the mode first',
        { cause: error },
      );
    }
    throw new FlushError('FLUSH_FAILED', `could not flush the authorizer cache of API ${apiId} stage ${stageName}: ${reason}`, {
      cause: error,
    });
  }
}
