// A second Cedar domain (tests/fixtures/research-archive) is laid over the domain paths of a scratch project and goes
// through the whole pipeline: validate → generate → typecheck → policy suites → the same suites through the runtime
// → `npm run explain` on its demo world. It exercises every row of issue 12's table (action groups, nested groups and
// folders, attribute-referenced entities, tags, extension types, records, templates in a local mode, enums, numeric
// Cognito claims carried as text, principal enrichment from the store).
import { spawnSync } from 'node:child_process';
import type { EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, assert, describe, expect, it } from 'vitest';
import { loadDemoData } from '../../local/demo-world/demo-data.js';
import { parseExplainArgs } from '../../local/explain/args.js';
import type { Explanation } from '../../local/explain/explanation.js';
import { runExplain } from '../../local/explain/run-explain.js';
import { readCoverageConfig } from '../../policy-testing/coverage-config.js';
import { applyGate, computeCoverage } from '../../policy-testing/coverage.js';
import { formatDiagnostics } from '../../generator/diagnostics/format.js';
import { formatEntityUid } from '../../policy-testing/entity-uid.js';
import type { ClaimAttributeConfig, ContextValueConfig, ModeConfig } from '../../runtime/config.js';
import { describePolicySuites } from '../../policy-testing/harness/describe-policy-suites.js';
import { describeRuntimeParity } from '../../policy-testing/harness/describe-runtime-parity.js';
import { REPO_ROOT } from '../support/project-copy.js';
import { copyDomain } from './domain-project.js';
import { runTsx } from '../support/run-tsx.js';

const DOMAIN = 'research-archive';
const MODES = ['curation', 'lab'] as const;
/** Every case of the domain's suites; a lost suite or case shows up here. */
const CASE_COUNT = 77;

const project = copyDomain(DOMAIN);
afterAll(() => project.remove());

async function generatedModeConfig(mode: string): Promise<ModeConfig> {
  const module = (await import(pathToFileURL(join(project.root, `generated/${mode}/authorizer.ts`)).href)) as { MODE_CONFIG: ModeConfig };
  return module.MODE_CONFIG;
}

function uidOf(entity: EntityJson): TypeAndId {
  return '__entity' in entity.uid ? entity.uid.__entity : entity.uid;
}

function claimLine(claim: ClaimAttributeConfig): string {
  return `${claim.claim} → ${claim.attribute}: ${claim.type} (${claim.encoding})`;
}

function contextLine(value: ContextValueConfig): string {
  return `${value.name} ← ${value.source} ${value.key}: ${value.type}`;
}

describe(`the ${DOMAIN} domain through the pipeline`, () => {
  it('validates with no diagnostic at all', () => {
    const run = runTsx('generator/cli/validate.ts', ['--root', project.root, '--format', 'json']);

    expect({
      status: run.status,
      diagnostics: (JSON.parse(run.stdout) as { diagnostics: unknown[] }).diagnostics,
      stderr: run.stderr,
    }).toEqual({
      status: 0,
      diagnostics: [],
      stderr: '',
    });
  }, 60_000);

  it('has its Cedar files formatted as `npm run fmt` formats them', () => {
    const run = runTsx('policy-testing/cli/fmt.ts', ['--check', '--root', project.root]);

    expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({
      status: 0,
      stdout: '4 Cedar files formatted (lineWidth 80, indentWidth 2)\n',
      stderr: '',
    });
  }, 60_000);

  it('generates an authorizer, a policy bundle and a stack for each of its two modes', () => {
    const run = runTsx('generator/cli/generate.ts', ['--root', project.root]);

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^generate: wrote \d+ files for 2 modes \(curation, lab\) in \d+ ms\n$/);
    const missing = MODES.flatMap((mode) =>
      ['authorizer.ts', 'policies.json', 'stack.ts'].map((file) => `generated/${mode}/${file}`),
    ).filter((path) => !existsSync(join(project.root, path)));
    expect(missing).toEqual([]);
  }, 60_000);

  it("puts each mode's policies and templates in its bundle, keyed by @id", () => {
    const bundles = Object.fromEntries(
      MODES.map((mode) => {
        const bundle = JSON.parse(readFileSync(join(project.root, `generated/${mode}/policies.json`), 'utf8')) as {
          policies: Record<string, string>;
          templates: Record<string, string>;
        };
        return [mode, { policies: Object.keys(bundle.policies).sort(), templates: Object.keys(bundle.templates).sort() }];
      }),
    );

    const shared = [
      'shared.forbid-download-in-review',
      'shared.forbid-embargoed-read',
      'shared.forbid-legal-hold',
      'shared.forbid-quarantine',
      'shared.forbid-secret-off-network',
    ];
    expect(bundles).toEqual({
      curation: {
        policies: [
          'curation.browse-division-folders',
          'curation.division-read',
          'curation.extend-embargo',
          'curation.forbid-bulk-download',
          'curation.forbid-foreign-secret',
          'curation.publish-after-review',
          ...shared,
        ],
        templates: [],
      },
      lab: {
        policies: [
          'lab.browse-division-folders',
          'lab.classification-guide',
          'lab.division-read',
          'lab.forbid-download-over-quota',
          'lab.project-collaborator-read',
          'lab.public-read',
          'lab.secret-read-with-clearance',
          ...shared,
        ],
        templates: ['lab.delegated-folder-read'],
      },
    });
  });

  it("carries the mode files' request-model fields into each generated MODE_CONFIG", async () => {
    const lab = await generatedModeConfig('lab');
    const curation = await generatedModeConfig('curation');

    expect({
      labPrincipal: lab.claims.principal.attributeSource,
      labClaims: lab.claims.attributes.map(claimLine),
      labDownloadContext: lab.routes.find((route) => route.action === 'DownloadDataset')?.context.map(contextLine),
      labEntityBounds: { maxDepth: lab.entityStore?.maxDepth, maxEntities: lab.entityStore?.maxEntities },
      labTemplateLinks: lab.templateLinks,
      curationClaims: curation.claims.attributes.map(claimLine),
      curationPublishContext: curation.routes.find((route) => route.action === 'PublishDataset')?.context.map(contextLine),
      curationEmbargoContext: curation.routes.find((route) => route.action === 'ExtendEmbargo')?.context.map(contextLine),
    }).toEqual({
      labPrincipal: { kind: 'token-and-store', wins: 'token' },
      labClaims: [
        'custom:clearance → clearance: Long (text)',
        'custom:quota_gb → downloadQuotaGb: decimal (text)',
        'custom:projects → projects: Set<String> (json)',
        'custom:site → site: { building?: String, campus: String } (text)',
        'email → email: String (json)',
      ],
      labDownloadContext: ['now ← request requestTime: datetime', 'sourceIp ← request sourceIp: ipaddr'],
      labEntityBounds: { maxDepth: 6, maxEntities: 200 },
      labTemplateLinks: {
        kind: 'table',
        table: 'archive-template-links',
        tableEnv: 'TEMPLATE_LINK_TABLE',
        keyAttribute: 'uid',
        cacheTtlSeconds: 5,
      },
      curationClaims: [
        'email → email: String (json)',
        'clearance → clearance: Long (json)',
        'affiliation → affiliation: { country: String, institution: String } (json)',
        'certified_until → certifiedUntil: datetime (json)',
      ],
      curationPublishContext: ['now ← request requestTime: datetime', 'stepUp ← claim step_up: { level: Long, mfa: Boolean }'],
      curationEmbargoContext: ['extension ← header X-Embargo-Extension: duration'],
    });
  });

  it('type-checks the generated code against the runtime and infra', () => {
    const tsc = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', join(project.root, 'tsconfig.json')],
      {
        encoding: 'utf8',
      },
    );

    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 120_000);
});

describe(`the ${DOMAIN} policy suites`, () => {
  const { tests, results } = describePolicySuites(project.root);

  it(`hold ${CASE_COUNT} cases`, () => {
    expect(tests.suites.reduce((count, suite) => count + suite.cases.length, 0)).toBe(CASE_COUNT);
  });

  describe('coverage', () => {
    it('has every policy and the template determine a case, and every routed action both allow and deny', () => {
      const config = readCoverageConfig(tests);
      const gate = applyGate(computeCoverage(tests, results), config.config);

      expect({ diagnostics: formatDiagnostics(config.diagnostics, 'text'), failures: gate.failures }).toEqual({
        diagnostics: '',
        failures: [],
      });
    });

    it('exercises every entity type, and every action but the `readers` group, which no request names', () => {
      const report = computeCoverage(tests, results);

      expect({ actions: report.actionsNeverExercised, entityTypes: report.entityTypesNeverExercised }).toEqual({
        actions: ['readers'],
        entityTypes: [],
      });
    });
  });
});

describe(`the ${DOMAIN} policy suites through the runtime`, () => {
  // Every case: a token minted from the fixture principal, the entity and template-link stores seeded from the
  // fixtures, the route of its action and resource, through the real handler of its mode (local engine or AVP).
  describeRuntimeParity({
    root: project.root,
    onSummary: (summary) => {
      expect({
        run: summary.run,
        agreementsByDecision: summary.agreementsByDecision,
        disagreements: summary.disagreements,
        otherDeterminingPolicies: summary.otherDeterminingPolicies,
        unreachableCases: summary.unreachableCases,
      }).toEqual({
        run: CASE_COUNT,
        agreementsByDecision: { allow: 32, deny: 45 },
        disagreements: [],
        otherDeterminingPolicies: [],
        unreachableCases: [],
      });
    },
  });
});

describe(`npm run explain on the ${DOMAIN} demo world`, () => {
  it('explains a lab request as JSON: the engine got text claims parsed and the training date from the stored entity', () => {
    const run = spawnSync(
      'npm',
      [
        'run',
        '-s',
        'explain',
        '--',
        '--mode',
        'lab',
        '--root',
        project.root,
        '--principal',
        'ada',
        '--method',
        'GET',
        '--path',
        '/datasets/ds-genome-secret',
        '--format',
        'json',
      ],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    );

    expect(run.status).toBe(0);
    const explanation = JSON.parse(run.stdout) as Explanation;
    const principal = explanation.entities.find((entity) => formatEntityUid(uidOf(entity)) === 'Archive::Researcher::"ada"');
    expect({
      decision: explanation.decision,
      determiningPolicies: explanation.determiningPolicies,
      resource: explanation.request.resource,
      sourceIp: explanation.request.context?.['sourceIp'],
      principal: { attrs: principal?.attrs, parents: principal?.parents },
    }).toEqual({
      decision: 'allow',
      determiningPolicies: ['lab.secret-read-with-clearance'],
      resource: { type: 'Archive::Dataset', id: 'ds-genome-secret' },
      sourceIp: { __extn: { fn: 'ip', arg: '127.0.0.1' } },
      principal: {
        attrs: {
          clearance: 3,
          downloadQuotaGb: { __extn: { fn: 'decimal', arg: '500.0' } },
          email: 'ada@archive-institute.example',
          projects: [],
          site: { building: 'B7', campus: 'main' },
          trainingValidUntil: { __extn: { fn: 'datetime', arg: '2099-03-01T00:00:00Z' } },
        },
        parents: [{ type: 'Archive::Team', id: 'genomics-core' }],
      },
    });
  }, 120_000);

  it('explains a curation request as JSON through the local AVP endpoint: publishing after review, with MFA from a record claim', () => {
    const run = spawnSync(
      'npm',
      [
        'run',
        '-s',
        'explain',
        '--',
        '--mode',
        'curation',
        '--root',
        project.root,
        '--principal',
        'greta',
        '--method',
        'POST',
        '--path',
        '/datasets/ds-genome/publish',
        '--format',
        'json',
      ],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    );

    expect(run.status).toBe(0);
    const explanation = JSON.parse(run.stdout) as Explanation;
    expect({
      decision: explanation.decision,
      determiningPolicies: explanation.determiningPolicies,
      action: explanation.request.action,
      stepUp: explanation.request.context?.['stepUp'],
    }).toEqual({
      decision: 'allow',
      determiningPolicies: ['curation.publish-after-review'],
      action: { type: 'Archive::Action', id: 'PublishDataset' },
      stepUp: { level: 2, mfa: true },
    });
  }, 120_000);

  it('decides every example of the seed as the seed says, for the reasons the policies give', async () => {
    const demo = loadDemoData(join(project.root, 'local/demo/seed.yaml'));
    const outcomes: string[] = [];
    const contradicted: string[] = [];

    for (const [mode, examples] of Object.entries(demo.examples)) {
      for (const example of examples) {
        const headers = Object.entries(example.headers ?? {}).flatMap(([name, value]) => ['--header', `${name}: ${value}`]);
        const command = parseExplainArgs(
          [
            '--mode',
            mode,
            '--root',
            project.root,
            '--principal',
            example.principal,
            '--method',
            example.method,
            '--path',
            example.path,
            ...headers,
            '--format',
            'json',
          ],
          REPO_ROOT,
        );
        assert(command.kind === 'explain', 'the arguments ask for an explanation');
        const { explanation } = await runExplain(command.request);
        const line =
          `${mode} ${example.principal} ${example.method} ${example.path} → ${explanation.decision} ` +
          `[${explanation.determiningPolicies.join(', ')}]`;
        outcomes.push(line);
        if ((explanation.decision === 'allow') !== (example.expect === 200))
          contradicted.push(`${line}; the seed expects ${example.expect}: ${example.why}`);
      }
    }

    expect(contradicted).toEqual([]);
    expect(outcomes).toEqual([
      'lab ada GET /datasets/ds-genome → allow [lab.division-read]',
      'lab ada GET /datasets/ds-genome-secret → allow [lab.secret-read-with-clearance]',
      'lab cleo GET /datasets/ds-genome-secret → deny []',
      'lab ada GET /datasets/ds-genome-secret/download → deny [shared.forbid-secret-off-network]',
      'lab ben GET /datasets/ds-particle → allow [lab.project-collaborator-read]',
      'lab ben GET /datasets/ds-legal-hold → deny [shared.forbid-legal-hold]',
      'lab dmitri GET /datasets/ds-imaging/download → deny [lab.forbid-download-over-quota]',
      'lab ada GET /datasets/ds-fresh/download → deny [shared.forbid-download-in-review]',
      'lab eva GET /datasets/ds-genome → allow [eva-reads-bio-seq]',
      'lab dmitri GET /classifications/internal/guide → allow [lab.classification-guide]',
      'lab dmitri GET /classifications/secret/guide → deny []',
      'lab ada GET /folders/quarantine-deep → deny [shared.forbid-quarantine]',
      'curation greta GET /datasets/ds-genome-secret → allow [curation.division-read]',
      'curation hugo GET /datasets/ds-genome-secret → deny [curation.forbid-foreign-secret]',
      'curation greta POST /datasets/ds-genome/publish → allow [curation.publish-after-review]',
      'curation hugo POST /datasets/ds-genome/publish → deny []',
      'curation greta POST /datasets/ds-embargoed/embargo → allow [curation.extend-embargo]',
      'curation greta POST /datasets/ds-embargoed/embargo → deny []',
      'curation greta GET /datasets/ds-embargoed → deny [shared.forbid-embargoed-read]',
      'curation greta GET /datasets/ds-imaging/download → deny [curation.forbid-bulk-download]',
    ]);
  }, 180_000);
});
