import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportSuites, type CedarExport } from '../../../policy-testing/cedar-cli/export-suites.js';
import { checkRunTestsFile } from '../../../policy-testing/cedar-cli/run-tests-format.js';
import { loadPolicyTests } from '../../../policy-testing/load-tests.js';
import { writeOutput } from '../../../policy-testing/write-output.js';
import { FIXTURE_DOMAINS, fixtureRoot } from '../../support/fixture-domain.js';
import { emulateRunTests } from './emulate-run-tests.js';

const exports = new Map<string, { dir: string; result: CedarExport }>();
beforeAll(() => {
  for (const domain of FIXTURE_DOMAINS) {
    const dir = mkdtempSync(join(tmpdir(), `cedar-format-${domain}-`));
    const result = exportSuites(loadPolicyTests({ root: fixtureRoot(domain) }));
    for (const file of result.files) writeOutput(dir, file.path, file.contents);
    exports.set(domain, { dir, result });
  }
});
afterAll(() => {
  for (const { dir } of exports.values()) rmSync(dir, { recursive: true, force: true });
});

describe.each(FIXTURE_DOMAINS)('the export of the %s fixture domain', (domain) => {
  it('writes only test files that the run-tests format accepts', () => {
    const exported = exports.get(domain);
    const testFiles = exported?.result.files.filter((file) => file.path.startsWith('tests/')) ?? [];
    expect(testFiles.length).toBeGreaterThan(0);
    for (const file of testFiles)
      expect({ file: file.path, problems: checkRunTestsFile(JSON.parse(file.contents)) }).toEqual({ file: file.path, problems: [] });
  });

  it('passes every exported test when Cedar itself runs it as cedar run-tests does (decision, reasons, error count)', () => {
    const exported = exports.get(domain);
    if (!exported) throw new Error('no export');
    let ran = 0;
    for (const entry of exported.result.manifest.files) {
      const failed = emulateRunTests(exported.dir, entry).filter((result) => result.failures.length > 0);
      ran += entry.cases;
      expect({ file: entry.tests, failed }).toEqual({ file: entry.tests, failed: [] });
    }
    expect(ran).toBe(exported.result.exportedCases);
  });
});

/** `npm run suites -- import --cedar <file> --mode curation` on the research-archive fixture, as a child process. */
function importIntoCuration(file: string) {
  const args = ['policy-testing/cli/suites.ts', 'import', '--cedar', file, '--mode', 'curation', '--root', fixtureRoot('research-archive')];
  return spawnSync(process.execPath, ['--import', 'tsx', ...args], { encoding: 'utf8' });
}

describe('the run-tests format check', () => {
  const valid = {
    name: 'reads',
    request: { principal: 'Ns::User::"alice"', action: 'Ns::Action::"read"', resource: 'Ns::Doc::"d"', context: {} },
    entities: [{ uid: { type: 'Ns::User', id: 'alice' }, attrs: {}, parents: [] }],
    decision: 'allow',
    reason: ['p1'],
    num_errors: 0,
  };

  it('accepts a test as the Cedar CLI samples write it', () => {
    expect(checkRunTestsFile([valid])).toEqual([]);
  });

  it('names the JSON path of each problem and says how to fix it', () => {
    const { num_errors: _, ...withoutCount } = valid;
    const problems = checkRunTestsFile([
      valid,
      { ...withoutCount, has_error: false, decision: 'Allow', request: { ...valid.request, principal: 'alice' } },
    ]);
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      ['$[1]', '`num_errors` is missing'],
      ['$[1]', 'unknown key `has_error`'],
      ['$[1].request.principal', '"alice" is not an entity uid'],
      ['$[1].decision', '"Allow" is not allowed'],
    ]);
  });
});

describe('npm run suites -- import with bad input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cedar-bad-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 2 with the file, the JSON path and a hint for each problem, and no stack trace', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify([{ request: { principal: 'x', action: 'Ns::Action::"a"', resource: 'Ns::R::"r"', context: {} } }]));
    const run = importIntoCuration(file);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${file}: $[0]: \`entities\` is missing`);
    expect(run.stderr).toContain(`${file}: $[0].request.principal: "x" is not an entity uid`);
    expect(run.stderr).toContain('hint: Write the uid in Cedar syntax');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 on a file that is not JSON, naming it', () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '[{');
    const run = importIntoCuration(file);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${file}: $: not JSON`);
  });
});
