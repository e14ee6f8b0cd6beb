// `npm run import -- --policy-store-id <id>`: the command line, the SDK client it builds, and the summary it prints.
import { resolve } from 'node:path';
import { VerifiedPermissionsClient } from '@aws-sdk/client-verifiedpermissions';
import { type CliIo, type CommandSpec, type OptionSpecs, UsageError } from '../../common/cli/command-line.js';
import { importPolicyStore } from './import-store.js';
import { formatImportSummary } from './summary.js';

export const IMPORT_COMMAND = {
  command: 'npm run import --',
  usage: [
    'usage: npm run import -- --policy-store-id <id> [--region <region>] [--endpoint <url>] [--root <dir>]',
    '  Reads an Amazon Verified Permissions policy store into schema/ and policies/imported/ (re-runnable).',
    "  --region    the store's region (default: AWS_REGION or the profile's)",
    "  --endpoint  another endpoint than AWS's, such as a local one: http://127.0.0.1:<port>",
    '  --root      the project to write into (default: the current directory)',
  ].join('\n'),
  options: {
    'policy-store-id': { type: 'string' },
    region: { type: 'string' },
    endpoint: { type: 'string' },
    root: { type: 'string' },
  },
} as const satisfies CommandSpec<OptionSpecs>;

/** AVP's pattern for a policy store id (API reference, GetSchema: policyStoreId). */
const POLICY_STORE_ID = /^[a-zA-Z0-9-/_]{1,200}$/;

export interface ImportArgs {
  readonly values: {
    readonly 'policy-store-id'?: string;
    readonly region?: string;
    readonly endpoint?: string;
    readonly root?: string;
  };
}

export async function runImport({ values }: ImportArgs, io: Pick<CliIo, 'stdout'>): Promise<number> {
  const policyStoreId = values['policy-store-id'];
  if (policyStoreId === undefined) throw new UsageError('--policy-store-id is required');
  if (!POLICY_STORE_ID.test(policyStoreId)) {
    throw new UsageError(`--policy-store-id ${JSON.stringify(policyStoreId)} is not a policy store id (letters, digits, -, / and _)`);
  }
  if (values.endpoint !== undefined && !URL.canParse(values.endpoint)) {
    throw new UsageError(`--endpoint ${JSON.stringify(values.endpoint)} is not a URL`);
  }
  const client = new VerifiedPermissionsClient({
    ...(values.region !== undefined ? { region: values.region } : {}),
    ...(values.endpoint !== undefined ? { endpoint: values.endpoint } : {}),
  });
  try {
    const region = await client.config.region().catch(() => undefined);
    if (region === undefined || region === '') throw new UsageError('no AWS region: pass --region or set AWS_REGION');
    const result = await importPolicyStore({
      client,
      policyStoreId,
      root: resolve(values.root ?? process.cwd()),
      where: values.endpoint ?? region,
    });
    io.stdout(formatImportSummary(result));
    return 0;
  } finally {
    client.destroy();
  }
}
