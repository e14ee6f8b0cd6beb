// The authorizer Lambda: bundled locally with esbuild (no Docker), cedar-wasm's .wasm copied beside the bundle.
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { Duration, aws_lambda as lambda, aws_lambda_nodejs as nodejs, aws_logs as logs } from 'aws-cdk-lib';
import { Construct } from 'constructs';

const require = createRequire(import.meta.url);

export interface AuthorizerFunctionProps {
  /** The generated authorizer.ts of the mode. */
  readonly entry: string;
  readonly modeName: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** @default 30 */
  readonly logRetentionDays?: number;
  readonly environment: Readonly<Record<string, string>>;
}

export class AuthorizerFunction extends Construct {
  readonly function: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: AuthorizerFunctionProps) {
    super(scope, id);
    const wasmDir = dirname(require.resolve('@cedar-policy/cedar-wasm/nodejs'));
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: retentionFor(props.logRetentionDays ?? 30),
    });
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memoryMb,
      timeout: Duration.seconds(props.timeoutSeconds),
      logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: `authorizer-${props.modeName}`,
        POWERTOOLS_METRICS_NAMESPACE: 'PaymentsAuthorizer',
        ...props.environment,
      },
      bundling: {
        minify: true,
        sourceMap: false,
        target: 'node22',
        format: nodejs.OutputFormat.CJS,
        forceDockerBundling: false,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          // The cedar-wasm loader reads cedar_wasm_bg.wasm from the bundle's own folder.
          afterBundling: (_input: string, output: string) => [`cp ${join(wasmDir, 'cedar_wasm_bg.wasm')} ${output}/`],
        },
      },
    });
  }
}

function retentionFor(days: number): logs.RetentionDays {
  const match = Object.values(logs.RetentionDays).find((value) => value === days);
  if (match === undefined) throw new Error(`log retention of ${days} days is not one CloudWatch offers`);
  return match as logs.RetentionDays;
}
