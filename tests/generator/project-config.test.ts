import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProjectSettingsError, readProjectConfig } from '../../generator/project-config.js';

const VALID = `# yaml-language-server: $schema=./generator/schemas/project.schema.json
application: { name: ledger, displayName: Ledger }
alarmTopic: { kind: existing, arn: "arn:aws:sns:eu-west-1:123456789012:on-call" }
tags: { team: ledger }
owners: { domain: ["@ledger/policy"], toolkit: ["@ledger/platform"] }
`;

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function rootWith(projectYaml: string | undefined): string {
  const root = mkdtempSync(join(tmpdir(), 'project-config-'));
  roots.push(root);
  if (projectYaml !== undefined) writeFileSync(join(root, 'project.yaml'), projectYaml);
  return root;
}

describe('readProjectConfig', () => {
  it('gives the settings the stacks read, from a valid project.yaml', () => {
    expect(readProjectConfig(rootWith(VALID))).toEqual({
      name: 'ledger',
      displayName: 'Ledger',
      alarmTopic: { kind: 'existing', arn: 'arn:aws:sns:eu-west-1:123456789012:on-call' },
      tags: { team: 'ledger' },
    });
  });

  it('refuses a root without project.yaml, naming the diagnostic', () => {
    expect(() => readProjectConfig(rootWith(undefined))).toThrow(
      new ProjectSettingsError(
        'project.yaml is not valid; run npm run validate:\n' +
          'project.yaml:1:1: error PROJECT_MISSING: the project root has no project.yaml\n' +
          '  hint: Create project.yaml at the root with `application`, `alarmTopic`, `tags` and `owners`; README.md, Project settings, ' +
          'has one.',
      ),
    );
  });

  it('refuses an application name that is not kebab-case, pointing at it', () => {
    const attempt = () => readProjectConfig(rootWith(VALID.replace('name: ledger', 'name: Ledger')));

    expect(attempt).toThrow(ProjectSettingsError);
    expect(attempt).toThrow(/project\.yaml:2:22: error PROJECT_INVALID_VALUE: `application\.name` "Ledger" does not match/);
  });
});
