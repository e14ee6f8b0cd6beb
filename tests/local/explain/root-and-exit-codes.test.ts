// --root builds the mode from another project's sources; exit codes: 0 any decision, 1 invalid project, 2 usage.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPLAIN_USAGE } from '../../../local/explain/args.js';
import { fixtureRoot } from '../../support/fixture-domain.js';
import { copyDomain } from '../../domain/domain-project.js';
import { copyProject, type ProjectCopy } from '../../support/project-copy.js';
import { explain, explainJson, ownErrorLines, scratchFiles, withoutSdkNotice, type ScratchFiles } from './support/explain-cli.js';

/** A second Cedar domain with its own local/demo/seed.yaml (entities, template links, principals). */
const SECOND_DOMAIN = fixtureRoot('research-archive');
const ALICE_READS_ACCT_1 = ['--principal', 'alice', '--method', 'GET', '--path', '/accounts/acct-1'];

const SCRATCH_FORBID = `/// A scratch rule of this test: nobody views acct-1.
@id("customer.scratch-forbid-acct-1")
forbid (principal, action == Billing::Action::"ViewAccount", resource == Billing::Account::"acct-1");
`;

const BROKEN_POLICY = `/// Refers to an entity type the schema does not declare.
@id("customer.broken")
permit (principal is Billing::Nobody, action, resource);
`;

let files: ScratchFiles;
const copies: ProjectCopy[] = [];

beforeAll(() => {
  files = scratchFiles();
});

afterAll(() => {
  files.remove();
  for (const copy of copies) copy.remove();
});

function projectWith(file: string, text: string): string {
  // The whole billing domain (its demo world too: --principal alice) over a scratch project.
  const copy = copyDomain('billing');
  copies.push(copy);
  writeFileSync(join(copy.root, file), text);
  return copy.root;
}

describe('npm run explain -- --root', () => {
  it('decides with the policies of the project at --root, built from its sources', async () => {
    const root = projectWith('policies/customer/scratch.cedar', SCRATCH_FORBID);

    const result = await explainJson(['--mode', 'customer', '--root', root, ...ALICE_READS_ACCT_1]);

    expect({ decision: result.decision, determiningPolicies: result.determiningPolicies }).toEqual({
      decision: 'deny',
      determiningPolicies: ['customer.scratch-forbid-acct-1'],
    });
  });

  it('starts from the demo world of the project at --root, its template links included', async () => {
    const result = await explainJson([
      '--mode',
      'lab',
      '--root',
      SECOND_DOMAIN,
      '--principal',
      'eva',
      '--method',
      'GET',
      '--path',
      '/datasets/ds-genome',
    ]);

    expect({ decision: result.decision, determiningPolicies: result.determiningPolicies }).toEqual({
      decision: 'allow',
      determiningPolicies: ['eva-reads-bio-seq'],
    });
  });
});

describe('npm run explain -- --root of a project without a demo world', () => {
  it('starts from an empty store and says so, with the principal from --claims', async () => {
    // The billing domain's schema, policies and modes, but no local/demo/seed.yaml.
    const copy = copyProject({ domain: 'billing' });
    copies.push(copy);
    const claims = files.write('cora.json', { sub: 'cora', 'custom:customer_id': 'c-1', 'cognito:groups': ['payer'] });

    const finished = await explain([
      '--mode',
      'customer',
      '--root',
      copy.root,
      '--claims',
      claims,
      '--method',
      'GET',
      '--path',
      '/accounts/acct-1',
    ]);

    expect({
      code: finished.code,
      decision: finished.stdout.split('\n').find((line) => line.startsWith('decision')),
      seeded: /store seeded from the demo world \(empty: the project has no local\/demo\/seed\.yaml\)/.test(finished.stdout),
    }).toEqual({ code: 0, decision: 'decision    DENY', seeded: true });
  });
});

describe('npm run explain: exit codes', () => {
  it('exits 0 on a deny: the decision is the answer, not a failure', async () => {
    const finished = await explain(['--mode', 'customer', '--principal', 'alice', '--method', 'GET', '--path', '/accounts/acct-2']);

    expect({ code: finished.code, decision: finished.stdout.split('\n').find((line) => line.startsWith('decision')) }).toEqual({
      code: 0,
      decision: 'decision    DENY',
    });
  });

  it('exits 1 and prints the diagnostics as npm run validate does when the project does not validate', async () => {
    const root = projectWith('policies/customer/broken.cedar', BROKEN_POLICY);

    const finished = await explain(['--mode', 'customer', '--root', root, ...ALICE_READS_ACCT_1]);

    expect({
      code: finished.code,
      located: /^policies\/customer\/broken\.cedar:\d+:\d+: error \S+: .+\n {2}hint: /m.test(finished.stdout),
      stderr: ownErrorLines(finished.stderr),
    }).toEqual({
      code: 1,
      located: true,
      stderr: ['explain: the policy repository does not validate; nothing was explained'],
    });
  });

  it('exits 0 and prints the usage for --help', async () => {
    const finished = await explain(['--help']);

    expect({ code: finished.code, stdout: finished.stdout }).toEqual({ code: 0, stdout: `${EXPLAIN_USAGE}\n` });
  });

  it('exits 2 with one clear line and the usage, no stack trace, on an unknown option', async () => {
    const finished = await explain(['--mode', 'customer', '--bogus', ...ALICE_READS_ACCT_1]);

    expect({ code: finished.code, stderr: withoutSdkNotice(finished.stderr), stdout: finished.stdout }).toEqual({
      code: 2,
      stderr: `explain: unknown option --bogus\n${EXPLAIN_USAGE}\n`,
      stdout: '',
    });
  });

  it('exits 2 on an unknown mode with one line that suggests the closest one, and no usage', async () => {
    const finished = await explain(['--mode', 'custmer', ...ALICE_READS_ACCT_1]);

    expect({ code: finished.code, stderr: withoutSdkNotice(finished.stderr) }).toEqual({
      code: 2,
      stderr: 'explain: unknown mode "custmer" (did you mean "customer"?); the modes are: customer, internal, m2m, multi-tenant\n',
    });
  });

  it('exits 2 on an unreadable --claims file', async () => {
    const missing = join(files.write('placeholder.json', {}), '..', 'no-such-claims.json');

    const finished = await explain(['--mode', 'customer', '--claims', missing, '--method', 'GET', '--path', '/accounts/acct-1']);

    expect({ code: finished.code, stderr: ownErrorLines(finished.stderr) }).toEqual({
      code: 2,
      stderr: [`explain: --claims ${missing}: cannot read it (ENOENT: no such file or directory, open '${missing}')`],
    });
  });

  it('exits 2 when the path matches no route, since API Gateway would never call the authorizer', async () => {
    const finished = await explain(['--mode', 'customer', '--principal', 'alice', '--method', 'GET', '--path', '/nowhere']);

    expect({ code: finished.code, stderr: ownErrorLines(finished.stderr) }).toEqual({
      code: 2,
      stderr: [
        'explain: GET /nowhere matches no route of mode "customer", so API Gateway would answer without its authorizer; the routes are: ' +
          'GET /accounts/{accountId}, GET /accounts/{accountId}/billing, POST /accounts/{accountId}/billing, GET /billing/{paymentId}, ' +
          'POST /billing/{paymentId}/approve, GET /beneficiaries/{beneficiaryId}, POST /customers/{customerId}/beneficiaries, DELETE ' +
          '/beneficiaries/{beneficiaryId}',
      ],
    });
  });

  it('exits 2 on an unknown demo principal and suggests the closest one', async () => {
    const finished = await explain(['--mode', 'customer', '--principal', 'alise', '--method', 'GET', '--path', '/accounts/acct-1']);

    expect({ code: finished.code, stderr: ownErrorLines(finished.stderr) }).toEqual({
      code: 2,
      stderr: [
        'explain: no demo principal "alise" in mode "customer" (did you mean "alice"?); its principals are: alice, bob, carol, dave',
      ],
    });
  });
});
