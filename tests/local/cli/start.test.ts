// `npm start` and `npm run token` as a user runs them, on scratch copies of a fixture domain: real processes, the
// printed curl commands run with real curl, tokens from `npm run -s token`, and the shutdown by SIGTERM and SIGINT.
import { APIGatewayClient, FlushStageAuthorizersCacheCommand } from '@aws-sdk/client-api-gateway';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoData } from '../../../local/demo-world/demo-data.js';
import { GATEWAY_BODIES } from '../../../local/gateway/local-gateway.js';
import { copyProject, REPO_ROOT, type ProjectCopy } from '../../support/project-copy.js';
import { closedPort, printedExamples, printedPorts, run, runPrinted, startProcess, type StartedProcess } from './processes.js';

const TIMEOUT_MS = 90_000;
const DOMAIN = 'research-archive';

/** A scratch copy of the fixture domain, with its demo world (local/demo/seed.yaml) or without one. */
function scratchDomain(options: { readonly withSeed: boolean }): ProjectCopy {
  const project = copyProject({ domain: DOMAIN });
  if (options.withSeed) {
    mkdirSync(join(project.root, 'local/demo'), { recursive: true });
    cpSync(join(REPO_ROOT, 'tests/fixtures', DOMAIN, 'local/demo/seed.yaml'), join(project.root, 'local/demo/seed.yaml'));
  }
  return project;
}

/**
 * What Cognito would put in a lab researcher's id token, as `--claims` takes it: no demo principal involved. No
 * groups: a team the store does not hold has no `division`, which the schema requires, so Cedar would refuse it.
 */
const RESEARCHER_CLAIMS = {
  sub: 'zoe',
  'custom:clearance': '1',
  'custom:quota_gb': '50.0',
  'custom:projects': 'lumen',
  'custom:site': '{"campus":"annex"}',
};

/** `npm run -s token -- --root <root> lab --claims <file.json|JSON>`: the token on stdout. */
async function tokenFromClaims(root: string, given: 'file' | 'inline'): Promise<string> {
  const file = join(root, 'claims.json');
  writeFileSync(file, JSON.stringify(RESEARCHER_CLAIMS));
  const claims = given === 'file' ? file : JSON.stringify(RESEARCHER_CLAIMS);
  const minted = await run('npm', ['run', '-s', 'token', '--', '--root', root, 'lab', '--claims', claims]);
  if (minted.code !== 0) throw new Error(`npm run token exited ${minted.code}: ${minted.stderr}`);
  return minted.stdout.trim();
}

async function get(url: string, token: string): Promise<{ readonly status: number; readonly body: unknown }> {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.json() };
}

describe('npm start --root <scratch copy of research-archive> --port 0', () => {
  let project: ProjectCopy;
  let start: StartedProcess;

  beforeAll(async () => {
    const curl = spawnSync('curl', ['--version']);
    if (curl.error) throw new Error(`curl is not on PATH (${curl.error.message}); these tests run the printed curl commands with it`);
    project = scratchDomain({ withSeed: true });
    start = await startProcess(['--root', project.root, '--port', '0'], TIMEOUT_MS);
  }, TIMEOUT_MS + 5_000);

  afterAll(async () => {
    await start?.kill();
    project?.remove();
  });

  it('prints, per mode, the gateway URL, the JWKS URL and how to get a token', () => {
    const { stdout } = start;

    expect(stdout).toMatch(/^ {2}lab {11}rest {6}local http:\/\/127\.0\.0\.1:\d+$/m);
    expect(stdout).toMatch(
      new RegExp(
        String.raw`^ {16}JWKS {6}http:\/\/127\.0\.0\.1:\d+` +
          String.raw`\/cognito-idp\.eu-central-1\.amazonaws\.com\/eu-central-1_LabPool01\/\.well-known\/jwks\.json$`,
        'm',
      ),
    );
    expect(stdout).toContain(`token     npm run -s token -- --root ${project.root} lab <principal>`);
    expect(stdout).toMatch(/^ {16}JWKS {6}http:\/\/127\.0\.0\.1:\d+\/login\.archive-institute\.example\/oauth2\/curators\/v1\/keys$/m);
  });

  it('the printed JWKS URL serves the keys the tokens are signed with', async () => {
    const url = /JWKS {6}(\S+eu-central-1_LabPool01\/\.well-known\/jwks\.json)$/m.exec(start.stdout)?.[1];
    if (url === undefined) throw new Error(`no JWKS URL in\n${start.stdout}`);

    const jwks = (await (await fetch(url)).json()) as { keys: { kid: string }[] };

    expect(jwks.keys.map((key) => typeof key.kid)).toEqual(['string', 'string']);
  });

  it("prints, per REST or HTTP mode, how to flush its gateway's authorizer cache, and that control plane answers the SDK", async () => {
    const line = /^ {16}flush {5}npm run flush -- lab --endpoint (\S+) --api-id (\S+) --stage '([^']+)'$/m.exec(start.stdout);
    if (line === null) throw new Error(`no flush line for mode lab in\n${start.stdout}`);
    const [, endpoint, restApiId, stageName] = line;

    // FlushStageAuthorizersCache (API Gateway API Reference): 202 Accepted with an empty body.
    const client = new APIGatewayClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'LOCAL', secretAccessKey: 'local' } });
    await expect(client.send(new FlushStageAuthorizersCacheCommand({ restApiId, stageName }))).resolves.toMatchObject({});
    client.destroy();
  });

  it('prints a curl command for every example of the seed, in seed order', () => {
    const seed = loadDemoData(join(project.root, 'local/demo/seed.yaml'));
    const expected = ['curation', 'lab'].flatMap((mode) => seed.examples[mode] ?? []);

    expect(printedExamples(start.stdout).map(({ expect: status, principal, why }) => ({ status, principal, why }))).toEqual(
      expected.map(({ expect: status, principal, why }) => ({ status, principal, why })),
    );
  });

  it(
    'the printed example of a delegated read answers 200: the seed template links are in the link table',
    async () => {
      const delegated = printedExamples(start.stdout).find((example) => example.principal === 'eva');
      if (!delegated) throw new Error(`no example for eva in\n${start.stdout}`);

      const reply = await runPrinted(delegated.command);

      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toMatchObject({ backend: 'demo', path: '/datasets/ds-genome', principalId: 'eva' });
    },
    TIMEOUT_MS,
  );

  it(
    'the printed denied example of the lab mode, run with curl and `npm run -s token`, answers 403 with the explicit-deny body',
    async () => {
      // cleo's lapsed training, in the lab mode: a REST API, whose refusals carry the IAM policy's body.
      const denied = printedExamples(start.stdout).find((example) => example.principal === 'cleo');
      if (!denied) throw new Error(`no example for cleo in\n${start.stdout}`);

      const reply = await runPrinted(denied.command);

      expect(reply.status).toBe(403);
      expect(JSON.parse(reply.body)).toEqual(GATEWAY_BODIES.explicitDeny);
    },
    TIMEOUT_MS,
  );

  it(
    'a token from `npm run token --root ... --claims <file>` is served end to end: 200 with the backend echo',
    async () => {
      const token = await tokenFromClaims(project.root, 'file');

      const reply = await get(`${start.gatewayUrl('lab')}/classifications/internal/guide`, token);

      expect(reply).toEqual({
        status: 200,
        body: expect.objectContaining({ backend: 'demo', path: '/classifications/internal/guide', principalId: 'zoe' }),
      });
    },
    TIMEOUT_MS,
  );

  it(
    'SIGTERM exits 0 as Ctrl-C does, says nothing is left listening, and every printed port refuses connections',
    async () => {
      const ports = printedPorts(start.stdout);

      const code = await start.stop('SIGTERM');

      expect(code).toBe(0);
      expect(start.stdout).toContain('stopped (SIGTERM): nothing is left listening');
      // Two gateways and their two authorizer-cache control planes, the issuer, dynalite, the AVP endpoint, the backend.
      expect(ports).toHaveLength(8);
      expect(await Promise.all(ports.map(closedPort))).toEqual(ports.map(() => true));
    },
    TIMEOUT_MS,
  );
});

describe('npm start on a domain without local/demo/', () => {
  let project: ProjectCopy;
  let start: StartedProcess;

  beforeAll(async () => {
    project = scratchDomain({ withSeed: false });
    start = await startProcess(['--root', project.root, '--port', '0', '--mode', 'lab'], TIMEOUT_MS);
  }, TIMEOUT_MS + 5_000);

  afterAll(async () => {
    await start?.kill();
    project?.remove();
  });

  it('says the stores are empty and prints a --claims example for the mode from its first route', () => {
    expect(start.stdout).toContain(
      'Demo world: none (no local/demo/seed.yaml): the stores are empty and there are no demo principals; mint tokens with --claims',
    );
    expect(start.stdout).toContain(`$(npm run -s token -- --root ${project.root} lab --claims '{"sub":"example-user"}')`);
    expect(start.stdout).toMatch(/^\| \? \| --claims \| GET \/datasets\/\{datasetId\}, as a principal with only an id; .+ \|$/m);
  });

  it(
    'an inline --claims token is allowed where no stored entity is needed (an enum resource), denied on an absent dataset',
    async () => {
      const token = await tokenFromClaims(project.root, 'inline');

      const guide = await get(`${start.gatewayUrl('lab')}/classifications/internal/guide`, token);
      const dataset = await get(`${start.gatewayUrl('lab')}/datasets/ds-particle`, token);

      expect([guide.status, dataset.status]).toEqual([200, 403]);
    },
    TIMEOUT_MS,
  );

  it(
    '`npm run token` for a demo principal exits 1 and says the mode has none',
    async () => {
      const finished = await run('npm', ['run', '-s', 'token', '--', '--root', project.root, 'lab', 'ada']);

      expect(finished.code).toBe(1);
      expect(finished.stderr).toBe(
        'npm run token: mode "lab" has no demo principals in local/demo/seed.yaml; mint one with --claims <file.json|JSON>\n',
      );
    },
    TIMEOUT_MS,
  );

  it(
    'Ctrl-C (SIGINT) exits 0 and says nothing is left listening',
    async () => {
      const code = await start.stop('SIGINT');

      expect(code).toBe(0);
      expect(start.stdout).toContain('stopped (SIGINT): nothing is left listening');
    },
    TIMEOUT_MS,
  );
});

describe('a busy port', () => {
  let project: ProjectCopy;
  let holder: Server;
  let heldPort: number;

  beforeAll(async () => {
    project = scratchDomain({ withSeed: false });
    holder = createServer();
    heldPort = await new Promise<number>((resolve) =>
      holder.listen(0, '127.0.0.1', () => {
        const address = holder.address();
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      }),
    );
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => holder.close(() => resolve()));
    project?.remove();
  });

  it(
    'held by another process at <base>+1, fails start with exit 1, names the first gateway and suggests --port 0, no stack trace',
    async () => {
      const base = String(heldPort - 1);

      const finished = await run(process.execPath, ['--import', 'tsx', 'local/cli/start.ts', '--root', project.root, '--port', base]);

      expect(finished.code).toBe(1);
      expect(finished.stderr).toContain(
        `npm start: port ${heldPort} (gateway curation) is already in use; ` +
          `stop what holds it, or use --port 0 (free ports for everything)\n`,
      );
      expect(finished.stderr).not.toMatch(/^\s+at /m);
    },
    TIMEOUT_MS,
  );
});

describe('command-line mistakes', () => {
  it(
    '`npm start -- --engine lokal` exits 2 with a did-you-mean and the usage, before generating or starting anything',
    async () => {
      const finished = await run('npm', ['start', '--', '--engine', 'lokal']);

      expect(finished.code).toBe(2);
      expect(finished.stderr).toContain('unknown --engine "lokal"; did you mean local? (use mode, local or avp)\nusage: npm start --');
      expect(finished.stdout).not.toContain('validated;');
    },
    TIMEOUT_MS,
  );

  it(
    '`npm run token -- lab` with neither a principal nor --claims exits 2 with the usage',
    async () => {
      const finished = await run('npm', ['run', '-s', 'token', '--', 'lab']);

      expect(finished.code).toBe(2);
      expect(finished.stderr).toContain('say who the token is for: <principal> or --claims\nusage: npm run -s token --');
    },
    TIMEOUT_MS,
  );
});
