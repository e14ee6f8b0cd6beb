// The authorizer Lambda: bundled locally with esbuild (no Docker), cedar-wasm's .wasm copied beside the bundle.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Duration, Validations, aws_iam as iam, aws_lambda as lambda, aws_lambda_nodejs as nodejs, aws_logs as logs } from 'aws-cdk-lib';
import { Construct } from 'constructs';

const require = createRequire(import.meta.url);

/** The runtime every authorizer runs on; bench/cold-start.ts measures the bundle for the same target. */
export const AUTHORIZER_RUNTIME = lambda.Runtime.NODEJS_22_X;
export const AUTHORIZER_ESBUILD_TARGET = 'node22';

/**
 * The variable holding the version of the policy bundle the function was deployed with (runtime/cache/bundle-version.ts).
 * A policy change changes it, so the deploy updates the function's configuration and Lambda retires every warm
 * environment with its in-memory decision cache, even when the bundled code itself came out byte-identical.
 */
export const POLICY_BUNDLE_VERSION_ENV = 'POLICY_BUNDLE_VERSION';

/** API Gateway waits at most 29 s for an integration, authorizers included: a longer Lambda timeout buys nothing. */
const MAX_TIMEOUT_SECONDS = 29;

export interface AuthorizerFunctionProps {
  /** The generated authorizer.ts of the mode. */
  readonly entry: string;
  readonly modeName: string;
  /** Between 128 and 10240. */
  readonly memoryMb: number;
  /** Between 1 and 29: API Gateway gives up on an authorizer after 29 s. */
  readonly timeoutSeconds: number;
  /**
   * Retention of the function's own log group, in days; one of the values CloudWatch offers.
   * @default 30
   */
  readonly logRetentionDays?: number;
  /** Mode, policy store and tables: what the runtime reads from its environment. */
  readonly environment: Readonly<Record<string, string>>;
  /** `policyBundleVersion(bundle)` of the mode's bundle, set as POLICY_BUNDLE_VERSION_ENV. */
  readonly policyBundleVersion: string;
  /** The namespace of the runtime's EMF metrics, from the project's application name (infra/project.ts `modeNames`). */
  readonly metricsNamespace: string;
}

/**
 * A Node 22 arm64 function with its own log group and its own role. The role starts with write access to that log
 * group only (no AWS managed policy); the stack adds the policy store and table grants.
 */
export class AuthorizerFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AuthorizerFunctionProps) {
    super(scope, id);
    if (!Number.isInteger(props.memoryMb) || props.memoryMb < 128 || props.memoryMb > 10_240) {
      throw new Error(`mode ${props.modeName}: lambda.memoryMb must be an integer from 128 to 10240, got ${props.memoryMb}`);
    }
    if (!Number.isInteger(props.timeoutSeconds) || props.timeoutSeconds < 1 || props.timeoutSeconds > MAX_TIMEOUT_SECONDS) {
      throw new Error(
        `mode ${props.modeName}: lambda.timeoutSeconds must be an integer from 1 to ${MAX_TIMEOUT_SECONDS}, got ${props.timeoutSeconds}`,
      );
    }
    // NodejsFunction falls back to Docker when it finds no local esbuild; fail instead, the bundle is always local.
    if (!resolves('esbuild')) throw new Error('esbuild is not installed (run npm ci): the authorizer is bundled locally, never in Docker');
    const wasmFile = join(dirname(require.resolve('@cedar-policy/cedar-wasm/nodejs')), 'cedar_wasm_bg.wasm');

    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: retentionFor(props.modeName, props.logRetentionDays ?? 30) });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Authorizer of mode ${props.modeName}: its log group, its policy store and its tables, nothing else`,
    });
    // CreateLogStream and PutLogEvents on this log group's streams only.
    this.logGroup.grantWrite(this.role);

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      runtime: AUTHORIZER_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memoryMb,
      timeout: Duration.seconds(props.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      description: `Cedar authorizer of mode ${props.modeName}`,
      environment: {
        POWERTOOLS_SERVICE_NAME: `authorizer-${props.modeName}`,
        // Powertools reads both: the runtime names neither (runtime/observability/telemetry.ts).
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
        ...props.environment,
        [POLICY_BUNDLE_VERSION_ENV]: props.policyBundleVersion,
      },
      bundling: {
        minify: true,
        sourceMap: false,
        target: AUTHORIZER_ESBUILD_TARGET,
        format: nodejs.OutputFormat.CJS,
        forceDockerBundling: false,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          // The cedar-wasm loader reads cedar_wasm_bg.wasm from the bundle's own folder.
          afterBundling: (_input: string, output: string) => [`cp "${wasmFile}" "${output}/"`],
        },
      },
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the pinned authorizer runtime: the bundle is built and its cold start measured for node22 ' +
        '(bench/cold-start.ts). Moving to a newer runtime is a deliberate change, tested like any other.',
    });
  }
}

function resolves(moduleName: string): boolean {
  try {
    require.resolve(moduleName);
    return true;
  } catch {
    return false;
  }
}

function retentionFor(modeName: string, days: number): logs.RetentionDays {
  const match = Object.values(logs.RetentionDays).find((value) => value === days);
  if (match === undefined) throw new Error(`mode ${modeName}: log retention of ${days} days is not one CloudWatch offers`);
  return match as logs.RetentionDays;
}
