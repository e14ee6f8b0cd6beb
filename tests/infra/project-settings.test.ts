// project.yaml names what is deployed: a fixture domain generated and synthesized under another application's
// settings gets that application's stack ids, API names, metrics namespace, dashboards, alarm topic and tags.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateProject } from '../../generator/generate.js';
import { writeGeneratedFiles } from '../../generator/write/write-files.js';
import { copyProject, REPO_ROOT, type ProjectCopy } from '../support/project-copy.js';
import { SYNTH_CONTEXT } from './support/synthesized-app.js';

const PROJECT_YAML = `# yaml-language-server: $schema=./generator/schemas/project.schema.json
application:
  name: research-vault
  displayName: Research Vault
alarmTopic:
  kind: create
tags:
  team: archive
  cost-center: "4711"
owners:
  domain: ["@vault/curators", "@vault/security"]
  toolkit: ["@vault/platform"]
`;

let project: ProjectCopy;
let stacks: Map<string, Stack>;
const startedIn = process.cwd();

beforeAll(async () => {
  project = copyProject({ domain: 'research-archive', withCode: true });
  writeFileSync(join(project.root, 'project.yaml'), PROJECT_YAML);
  const { files, diagnostics } = generateProject(project.root);
  if (!files) throw new Error(`the fixture does not generate: ${diagnostics.map((d) => d.message).join('; ')}`);
  writeGeneratedFiles(project.root, files);
  // The Lambda construct wants its entry under the project it runs in, found from the lock file as `cdk synth` does.
  cpSync(join(REPO_ROOT, 'package-lock.json'), join(project.root, 'package-lock.json'));
  process.chdir(project.root);
  const generatedApp = (await import(pathToFileURL(join(project.root, 'generated/app.ts')).href)) as { buildApp(app: App): App };
  const app = generatedApp.buildApp(new App({ context: SYNTH_CONTEXT }));
  // cdk-nag runs at synth: the created alarm topic and its key must pass the AWS Solutions checks.
  app.synth();
  stacks = new Map(app.node.children.filter(Stack.isStack).map((stack) => [stack.stackName, stack]));
}, 240_000);

afterAll(() => {
  process.chdir(startedIn);
  project.remove();
});

function template(stackName: string): Template {
  const stack = stacks.get(stackName);
  if (!stack) throw new Error(`no stack ${stackName}; the app has ${[...stacks.keys()].join(', ')}`);
  return Template.fromStack(stack);
}

describe("a project's settings in its synthesized stacks", () => {
  it('names one stack per mode <Name>Authorizer-<mode> after the application', () => {
    expect([...stacks.keys()].sort()).toEqual(['ResearchVaultAuthorizer-curation', 'ResearchVaultAuthorizer-lab']);
  });

  it('names each API <name>-<mode> and opens its description with the display name', () => {
    template('ResearchVaultAuthorizer-curation').hasResourceProperties('AWS::ApiGatewayV2::Api', {
      Name: 'research-vault-curation',
      Description: Match.stringLikeRegexp('^Research Vault, mode curation: '),
    });
  });

  it("gives the runtime the application's metrics namespace and names the dashboard after the stack", () => {
    const lab = template('ResearchVaultAuthorizer-lab');

    lab.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_METRICS_NAMESPACE: 'ResearchVaultAuthorizer' }) },
    });
    lab.hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: 'ResearchVaultAuthorizer-lab',
      DashboardBody: Match.objectLike({
        'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('"ResearchVaultAuthorizer","Decision\\.allow"')])]),
      }),
    });
  });

  it('sends every alarm to the topic the stack creates', () => {
    const lab = template('ResearchVaultAuthorizer-lab');
    const topic = { Ref: Object.keys(lab.findResources('AWS::SNS::Topic'))[0] };

    const actions = Object.values(lab.findResources('AWS::CloudWatch::Alarm')).map((alarm) => alarm['Properties']['AlarmActions']);

    expect(actions).toEqual([[topic], [topic], [topic]]);
  });

  it('tags every taggable resource with the project tags', () => {
    const tags = Object.values(template('ResearchVaultAuthorizer-lab').toJSON()['Resources'] as Record<string, { Properties?: unknown }>)
      .map((resource) => (resource.Properties as { Tags?: unknown } | undefined)?.Tags)
      .filter((value) => Array.isArray(value));

    expect(tags.length).toBeGreaterThan(5);
    for (const list of tags) {
      expect(list).toEqual(
        expect.arrayContaining([
          { Key: 'cost-center', Value: '4711' },
          { Key: 'team', Value: 'archive' },
        ]),
      );
    }
  });

  it('writes .github/CODEOWNERS from the owners: the toolkit by default, the domain paths to the domain', () => {
    const lines = readFileSync(join(project.root, '.github/CODEOWNERS'), 'utf8')
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'));

    expect(lines).toEqual([
      '*                @vault/platform',
      '/schema/         @vault/curators @vault/security',
      '/policies/       @vault/curators @vault/security',
      '/modes/*.yaml    @vault/curators @vault/security @vault/platform',
      '/tests/policies/ @vault/curators @vault/security',
      '/local/demo/     @vault/curators @vault/security',
    ]);
  });
});
