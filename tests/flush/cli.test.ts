// `npm run flush` as a pipeline runs it: a real process against the local gateway's control plane and the local
// CloudFormation endpoint, its output and exit codes (0 flushed or nothing to flush, 1 failure, 2 usage).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloudFormation, type LocalCloudFormation } from '../../local/cloudformation/describe-stacks-endpoint.js';
import { demoPrincipal } from '../../local/demo-world/demo-data.js';
import { mintDemoToken } from '../../local/demo-world/demo-tokens.js';
import { startLocalEnvironment, type LocalEnvironment } from '../../local/environment.js';
import { CACHE_HEADER } from '../../local/gateway/local-gateway.js';
import { MemoryTelemetry } from '../../runtime/index.js';
import { copyDomain } from '../domain/domain-project.js';
import { fixtureRoot } from '../support/fixture-domain.js';
import type { ProjectCopy } from '../support/project-copy.js';
import { envWithoutAws, type FinishedRun, runTsx, runTsxAsync } from '../support/run-tsx.js';

let project: ProjectCopy;
let env: LocalEnvironment;
let cloudFormation: LocalCloudFormation;

beforeAll(async () => {
  // The billing fixture over a scratch project, generated: the CLI reads the mode's API type from generated/.
  project = copyDomain('billing');
  const generate = runTsx('generator/cli/generate.ts', ['--root', project.root]);
  if (generate.status !== 0) throw new Error(`generate failed:\n${generate.stdout}${generate.stderr}`);
  env = await startLocalEnvironment({ root: fixtureRoot('billing'), modes: ['customer', 'm2m'], telemetry: new MemoryTelemetry() });
  // The customer stack as a deploy leaves it (project acme-api: stack ids AcmeApiAuthorizer-<mode>).
  cloudFormation = await startLocalCloudFormation({
    stacks: [{ stackName: 'AcmeApiAuthorizer-customer', outputs: { ApiId: 'local-customer', ApiStageName: 'prod' } }],
  });
}, 120_000);

afterAll(async () => {
  await cloudFormation?.close();
  await env?.close();
  project?.remove();
});

/**
 * The CLI run from the project, with no AWS settings from the environment; `stderr` keeps only the CLI's own lines
 * (not the AWS SDK's Node version notice). Asynchronous: the endpoints it talks to live in this process.
 */
async function flush(args: readonly string[]): Promise<FinishedRun> {
  const run = await runTsxAsync('scripts/flush/cli.ts', args, { cwd: project.root, env: envWithoutAws() });
  const own = run.stderr.split('\n').filter((line) => line.startsWith('flush: ') || line.startsWith('usage: '));
  return { ...run, stderr: own.join('\n') };
}

/** A customer request whose answer is in the gateway cache; returns a resend that says hit or miss. */
async function cachedCustomerRequest(): Promise<() => Promise<string | null>> {
  const gateway = env.gateway('customer');
  const token = mintDemoToken(env.issuer, gateway.mode, demoPrincipal(env.demo, 'customer', 'alice'));
  const send = async () => {
    const response = await fetch(`${gateway.url}/accounts/acct-1`, { headers: { [gateway.mode.api.tokenHeader]: `Bearer ${token}` } });
    await response.arrayBuffer();
    return response.headers.get(CACHE_HEADER);
  };
  await send();
  expect(await send()).toBe('hit');
  return send;
}

describe('npm run flush -- <mode>', () => {
  it('with --api-id and --stage, flushes that REST stage: exit 0, one line, and the next request calls the authorizer', async () => {
    const resend = await cachedCustomerRequest();

    const run = await flush([
      'customer',
      '--api-id',
      'local-customer',
      '--stage',
      'prod',
      '--endpoint',
      env.gateway('customer').managementUrl,
    ]);

    expect({ ...run, next: await resend() }).toEqual({
      code: 0,
      stdout: 'flushed the authorizer cache of API local-customer stage prod (FlushStageAuthorizersCache)\n',
      stderr: '',
      next: 'miss',
    });
  });

  it("without them, reads the API id and stage from the mode stack's ApiId and ApiStageName outputs", async () => {
    const resend = await cachedCustomerRequest();

    const run = await flush([
      'customer',
      '--endpoint',
      env.gateway('customer').managementUrl,
      '--endpoint-cloudformation',
      cloudFormation.url,
    ]);

    expect({ code: run.code, stdout: run.stdout, next: await resend() }).toEqual({
      code: 0,
      stdout: 'flushed the authorizer cache of API local-customer stage prod (FlushStageAuthorizersCache)\n',
      next: 'miss',
    });
  });

  it('fails with exit 1 naming the stack and how to deploy it when the mode has no stack', async () => {
    const run = await flush(['m2m', '--endpoint', env.gateway('m2m').managementUrl, '--endpoint-cloudformation', cloudFormation.url]);

    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: 'flush: stack AcmeApiAuthorizer-m2m does not exist: deploy it first (npm run deploy -- <mode>)',
    });
  });

  it('fails with exit 1 when API Gateway knows no such API, saying what to check', async () => {
    const run = await flush(['customer', '--api-id', 'abc123', '--stage', 'prod', '--endpoint', env.gateway('customer').managementUrl]);

    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 1,
      stderr:
        'flush: no REST API abc123 with stage prod in this account and region (Invalid API identifier specified ' +
        '123456789012:abc123): check --api-id, --stage and --region, or deploy the mode first',
    });
  });

  it('calls nothing for a WebSocket mode and says why: exit 0', async () => {
    const run = await flush(['m2m', '--api-id', 'local-m2m', '--stage', 'prod', '--endpoint', 'http://127.0.0.1:9']);

    expect(run).toEqual({
      code: 0,
      stdout: 'nothing to flush for API local-m2m stage prod: API Gateway caches no authorizer result for a WebSocket API\n',
      stderr: '',
    });
  });

  it('refuses an unknown mode with exit 2, suggesting the closest one', async () => {
    const run = await flush(['custmer', '--api-id', 'x', '--stage', 'prod']);

    expect({ code: run.code, firstLine: run.stderr.split('\n')[0] }).toEqual({
      code: 2,
      firstLine: 'flush: no generated mode custmer (did you mean customer?); the modes are: customer, internal, m2m, multi-tenant',
    });
  });

  it('refuses --api-id without --stage with exit 2 and the usage', async () => {
    const run = await flush(['customer', '--api-id', 'local-customer']);

    expect({ code: run.code, lines: run.stderr.split('\n').slice(0, 2) }).toEqual({
      code: 2,
      lines: [
        'flush: --api-id and --stage go together: give both, or neither to read them from the stack outputs',
        'usage: npm run flush -- <mode> [options]',
      ],
    });
  });
});
