// What `npm run flush` does: finds the mode's API type in generated/, the API id and stage on the command line or in
// the mode's stack outputs, and clears that stage's authorizer cache (scripts/aws/flush-authorizer-cache.ts).
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { UsageError } from '../../common/cli/command-line.js';
import { closestMatch } from '../../common/did-you-mean.js';
import type { GeneratedMode } from '../../common/generated-modes.js';
import { readProjectConfig } from '../../generator/project-config.js';
import { modeNames } from '../../infra/project.js';
import { flushAuthorizerCache, type FlushResult } from '../aws/flush-authorizer-cache.js';
import { readStackOutputs, requireOutput } from '../aws/stack-outputs.js';
import { isLoopback, LOCAL_ENDPOINT_REGION } from '../tenant/settings.js';
import type { FlushCommandRequest } from './args.js';

export interface FlushCommandContext {
  /** The project's generated modes (common/generated-modes.ts `loadGeneratedModes`). */
  readonly modes: readonly Pick<GeneratedMode, 'name' | 'config'>[];
  readonly env: Readonly<Record<string, string | undefined>>;
}

const LOCAL_CREDENTIALS = { accessKeyId: 'LOCALFLUSHCLI', secretAccessKey: 'local-endpoint-checks-no-signature' };

export async function runFlushCommand(request: FlushCommandRequest, { modes, env }: FlushCommandContext): Promise<FlushResult> {
  const mode = modes.find((candidate) => candidate.name === request.mode);
  if (!mode) {
    const names = modes.map((candidate) => candidate.name);
    const suggestion = closestMatch(request.mode, names);
    throw new UsageError(
      `no generated mode ${request.mode}${suggestion ? ` (did you mean ${suggestion}?)` : ''}; the modes are: ${names.join(', ')}`,
    );
  }
  // Local endpoints ignore the region, but the SDK needs one: given only when every service called is local.
  const called = [request.endpoint, ...(request.target.kind === 'stack-outputs' ? [request.cloudFormationEndpoint] : [])];
  const allLocal = called.every((endpoint) => endpoint !== undefined && isLoopback(endpoint));
  const region = request.region ?? nonEmpty(env['AWS_REGION']) ?? (allLocal ? LOCAL_ENDPOINT_REGION : undefined);
  const { apiId, stageName } = request.target.kind === 'given' ? request.target : await apiOfStack(request, mode.name, region);
  return flushAuthorizerCache({
    apiType: mode.config.api.type,
    apiId,
    stageName,
    ...(region !== undefined ? { region } : {}),
    ...(request.endpoint !== undefined ? { endpoint: request.endpoint } : {}),
  });
}

/** The ApiId and ApiStageName outputs of the mode's stack (infra/authorizer-mode-stack.ts). */
async function apiOfStack(
  request: FlushCommandRequest,
  modeName: string,
  region: string | undefined,
): Promise<{ apiId: string; stageName: string }> {
  const { stackId } = modeNames(readProjectConfig(request.root), modeName);
  const endpoint = request.cloudFormationEndpoint;
  const client = new CloudFormationClient({
    ...(region !== undefined ? { region } : {}),
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(endpoint !== undefined && isLoopback(endpoint) ? { credentials: LOCAL_CREDENTIALS } : {}),
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
  });
  try {
    const outputs = await readStackOutputs(client, stackId);
    return { apiId: requireOutput(outputs, 'ApiId', stackId), stageName: requireOutput(outputs, 'ApiStageName', stackId) };
  } finally {
    client.destroy();
  }
}

/** One line for the person or pipeline that ran the command. */
export function describeFlush(result: FlushResult): string {
  if (result.kind === 'nothing-to-flush') return `nothing to flush for API ${result.apiId} stage ${result.stageName}: ${result.reason}`;
  return `flushed the authorizer cache of API ${result.apiId} stage ${result.stageName} (${result.operation})`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
