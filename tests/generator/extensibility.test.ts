import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureRoot } from '../support/fixture-domain.js';
import { copyProject, REPO_ROOT } from '../support/project-copy.js';

describe('adding a fifth mode', () => {
  const project = copyProject({ domain: 'billing', withCode: true });
  afterAll(() => project.remove());

  it('takes one YAML file and no generator change: it validates, generates and type-checks', () => {
    // A partner API: REST with a token authorizer and no caching, reusing the customer principal and policies.
    const partner = readFileSync(join(fixtureRoot('billing'), 'modes/customer.yaml'), 'utf8')
      .replace('name: customer', 'name: partner')
      .replace('authorizer: request', 'authorizer: token')
      .replace('ttlSeconds: 300', 'ttlSeconds: 0')
      .replace(/\n {4}context:\n( {6}.*\n)+/, '\n')
      .replace(
        'method: POST\n    path: /accounts/{accountId}/billing\n    action: CreatePayment',
        'method: POST\n    path: /accounts/{accountId}/billing\n    action: ListBilling',
      );
    writeFileSync(join(project.root, 'modes/partner.yaml'), partner);

    const generate = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'generator/cli/generate.ts'), '--root', project.root],
      { encoding: 'utf8' },
    );
    expect(generate.stderr + generate.stdout).toContain('wrote 20 files for 5 modes (customer, internal, m2m, multi-tenant, partner)');
    expect(generate.status).toBe(0);
    const authorizer = readFileSync(join(project.root, 'generated/partner/authorizer.ts'), 'utf8');
    expect(authorizer).toContain('restTokenAuthorizer');
    expect(authorizer).toContain('APIGatewayTokenAuthorizerEvent');
    expect(readFileSync(join(project.root, 'generated/app.ts'), 'utf8')).toContain(
      'new PartnerAuthorizerStack(app, "AcmeApiAuthorizer-partner")',
    );

    const tsc = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', join(project.root, 'tsconfig.json')],
      { encoding: 'utf8' },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 120_000);
});
