// Reads a deployed mode stack's outputs (infra/authorizer-mode-stack.ts), so the pipeline finds the store and API it deployed.
import { type CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';

/** The outputs the mode stack declares; which are present depends on the mode (tenancy, engine, API type). */
export const STACK_OUTPUT_KEYS = [
  'ApiUrl',
  'ApiId',
  'ApiStageName',
  'PolicyStoreId',
  'TenantBlueprintPolicyStoreId',
  'TenantTableName',
  'EntityTableName',
  'TemplateLinkTableName',
] as const;
export type StackOutputKey = (typeof STACK_OUTPUT_KEYS)[number];
export type StackOutputs = Partial<Record<StackOutputKey, string>>;

export class StackOutputsError extends Error {
  override readonly name = 'StackOutputsError';
  constructor(
    readonly code: 'STACK_NOT_FOUND' | 'STACK_OUTPUT_MISSING' | 'STACK_READ_FAILED',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The outputs of `stackId`; a stack that does not exist is STACK_NOT_FOUND, naming the stack and how to deploy it. */
export async function readStackOutputs(client: CloudFormationClient, stackId: string): Promise<StackOutputs> {
  let stacks;
  try {
    ({ Stacks: stacks } = await client.send(new DescribeStacksCommand({ StackName: stackId })));
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    // CloudFormation answers a missing stack with a ValidationError whose message says it does not exist.
    if ((error as Error).name === 'ValidationError' && /does not exist/.test(message)) {
      throw new StackOutputsError('STACK_NOT_FOUND', `stack ${stackId} does not exist: deploy it first (npm run deploy -- <mode>)`, {
        cause: error,
      });
    }
    throw new StackOutputsError('STACK_READ_FAILED', `could not read stack ${stackId}: ${message}`, { cause: error });
  }
  const stack = stacks?.[0];
  if (!stack) throw new StackOutputsError('STACK_NOT_FOUND', `stack ${stackId} does not exist: deploy it first (npm run deploy -- <mode>)`);
  const outputs: StackOutputs = {};
  for (const output of stack.Outputs ?? []) {
    const key = STACK_OUTPUT_KEYS.find((known) => known === output.OutputKey);
    if (key !== undefined && output.OutputValue !== undefined) outputs[key] = output.OutputValue;
  }
  return outputs;
}

/** One output that must be there; its absence names the stack and the output. */
export function requireOutput(outputs: StackOutputs, key: StackOutputKey, stackId: string): string {
  const value = outputs[key];
  if (value === undefined)
    throw new StackOutputsError('STACK_OUTPUT_MISSING', `stack ${stackId} has no output ${key}: deploy the current version`);
  return value;
}
