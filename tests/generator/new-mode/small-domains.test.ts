// new-mode on small hand-made domains: an action that needs context, and a schema with nothing a route can name.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ModeFile } from '../../../generator/load/mode-file.js';
import { readProjectSources } from '../../../generator/load/source-files.js';
import { NoRoutableActionError } from '../../../generator/new-mode/errors.js';
import { createMode } from '../../../generator/new-mode/new-mode.js';
import { validateProject } from '../../../generator/validate/project.js';

const BUY_POLICY = '/// Members may buy.\n@id("shop.buy")\npermit (principal, action == Shop::Action::"Buy", resource);\n';

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

function domain(files: Readonly<Record<string, string>>): string {
  const made = mkdtempSync(join(tmpdir(), 'new-mode-domain-'));
  root = made;
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(made, path)), { recursive: true });
    writeFileSync(join(made, path), text);
  }
  return made;
}

describe('new-mode on a domain whose only action needs context', () => {
  it('supplies every required context attribute from a claim, and the mode validates', () => {
    const project = domain({
      'schema/shop.cedarschema':
        'namespace Shop {\n  entity Member { tier: Long, nickname?: String };\n  entity Order;\n' +
        '  action Buy appliesTo { principal: [Member], resource: [Order], context: { amount: Long, note?: String } };\n}\n',
      'policies/shop/buy.cedar': BUY_POLICY,
    });

    createMode({ root: project, name: 'shop', api: 'http', identity: 'oidc' });
    const { diagnostics } = validateProject(readProjectSources(project));
    const written = parse(readProjectSources(project).modeFiles[0]?.text ?? '') as ModeFile;

    expect({
      findings: diagnostics.filter((finding) => finding.file === 'modes/shop.yaml'),
      routes: written.routes,
      attributes: written.claims.attributes,
    }).toEqual({
      findings: [],
      routes: [
        {
          method: 'GET',
          path: '/order/{orderId}',
          action: 'Buy',
          resource: { type: 'Shop::Order', pathParameter: 'orderId' },
          context: { amount: { claim: 'amount', type: 'Long' } },
        },
      ],
      attributes: [{ claim: 'tier', attribute: 'tier', type: 'Long' }],
    });
  });
});

describe('new-mode on a schema with no routable action', () => {
  it('refuses with NoRoutableActionError and writes nothing', () => {
    const project = domain({
      'schema/shop.cedarschema': 'namespace Shop {\n  entity Member;\n  action "all";\n}\n',
      'policies/shop/buy.cedar': '/// Nothing.\n@id("shop.none")\nforbid (principal, action, resource);\n',
    });

    const attempt = () => createMode({ root: project, name: 'shop', api: 'rest', identity: 'cognito' });

    expect(attempt).toThrow(NoRoutableActionError);
    expect(attempt).toThrow(
      'schema/shop.cedarschema has no action that applies to a principal and a resource type; give one an `appliesTo`',
    );
    expect(readProjectSources(project).modeFiles).toEqual([]);
  });
});
