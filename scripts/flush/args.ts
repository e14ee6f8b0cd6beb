// The command line of `npm run flush`, read into a request; nothing is read or written here.
import { UsageError, type CommandSpec, type OptionSpecs, type OptionValues } from '../../common/cli/command-line.js';

export const FLUSH_USAGE = `usage: npm run flush -- <mode> [options]
Clears the authorizer cache of the mode's deployed API stage, so a policy change is enforced at once:
FlushStageAuthorizersCache for a REST API, ResetAuthorizersCache for an HTTP API (a WebSocket API caches nothing).
options:
  --api-id <id>                    the API's id (default: the ApiId output of the mode's stack)
  --stage <name>                   the stage (default: the ApiStageName output of the mode's stack); with --api-id only
  --region <region>                AWS region (default: AWS_REGION or the profile's; eu-west-1 for local endpoints)
  --endpoint <url>                 API Gateway endpoint (default: AWS); a local gateway's control plane in tests
  --endpoint-cloudformation <url>  CloudFormation endpoint, to read the stack's outputs (default: AWS)
  --root <dir>                     the project root, whose generated/ and project.yaml are read (default: the current directory)
  --help                           print this help`;

export const FLUSH_COMMAND = {
  command: 'flush',
  usage: FLUSH_USAGE,
  options: {
    'api-id': { type: 'string' },
    stage: { type: 'string' },
    region: { type: 'string' },
    endpoint: { type: 'string' },
    'endpoint-cloudformation': { type: 'string' },
    root: { type: 'string' },
  },
  positionals: { min: 1, max: 1 },
} as const satisfies CommandSpec<OptionSpecs>;

/** Where the API to flush comes from: named on the command line, or the outputs of the mode's deployed stack. */
export type FlushTarget =
  | { readonly kind: 'given'; readonly apiId: string; readonly stageName: string }
  | { readonly kind: 'stack-outputs' };

export interface FlushCommandRequest {
  readonly mode: string;
  readonly target: FlushTarget;
  readonly root: string;
  readonly region?: string;
  readonly endpoint?: string;
  readonly cloudFormationEndpoint?: string;
}

/** Throws UsageError for --api-id without --stage (or the reverse) and for an endpoint that is not an http(s) URL. */
export function flushRequestOf(
  line: { readonly values: OptionValues<typeof FLUSH_COMMAND.options>; readonly positionals: readonly string[] },
  cwd: string,
): FlushCommandRequest {
  const { values, positionals } = line;
  const [mode] = positionals;
  if (mode === undefined) throw new UsageError('name the mode whose API to flush');
  const apiId = values['api-id'];
  const stageName = values.stage;
  if ((apiId === undefined) !== (stageName === undefined)) {
    throw new UsageError('--api-id and --stage go together: give both, or neither to read them from the stack outputs');
  }
  const target: FlushTarget =
    apiId !== undefined && stageName !== undefined ? { kind: 'given', apiId, stageName } : { kind: 'stack-outputs' };
  return {
    mode,
    target,
    root: values.root ?? cwd,
    ...(values.region !== undefined ? { region: values.region } : {}),
    ...(values.endpoint !== undefined ? { endpoint: httpUrl('--endpoint', values.endpoint) } : {}),
    ...(values['endpoint-cloudformation'] !== undefined
      ? { cloudFormationEndpoint: httpUrl('--endpoint-cloudformation', values['endpoint-cloudformation']) }
      : {}),
  };
}

function httpUrl(flag: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw new UsageError(`${flag} must be an http(s) URL, got ${JSON.stringify(value)}`, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`${flag} must be an http(s) URL, got ${JSON.stringify(value)}`);
  return value;
}
