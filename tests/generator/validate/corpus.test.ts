import { afterEach, describe, expect, it } from 'vitest';
import { ALL_DIAGNOSTIC_CODES } from '../../../generator/diagnostics/codes.js';
import type { Diagnostic } from '../../../generator/diagnostics/diagnostic.js';
import { readProjectSources } from '../../../generator/load/source-files.js';
import { validateProject, type ValidationResult } from '../../../generator/validate/project.js';
import { describeExpected, loadCorpus, materializeCase, removeCase, type CorpusCase, type ExpectedDiagnostic } from './corpus/cases.js';

const corpus = loadCorpus();

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) removeCase(root);
});

function validateCase(corpusCase: CorpusCase): ValidationResult {
  const root = materializeCase(corpusCase);
  roots.push(root);
  return validateProject(readProjectSources(root));
}

/** Keeps only what the case pins, so a case that does not pin a message does not fail on its wording. */
function comparable(actual: Diagnostic, expected: ExpectedDiagnostic | undefined): Record<string, unknown> {
  const seen: Record<string, unknown> = { code: actual.code, file: actual.file, line: actual.line, column: actual.column };
  if (expected?.message !== undefined) seen['message'] = actual.message;
  if (expected?.messageIncludes !== undefined) seen['message'] = expect.stringContaining(expected.messageIncludes);
  if (expected?.hint !== undefined) seen['hint'] = actual.hint;
  return seen;
}

function expectedShape(expected: ExpectedDiagnostic): Record<string, unknown> {
  const shape: Record<string, unknown> = { code: expected.code, file: expected.file, line: expected.line, column: expected.column };
  if (expected.message !== undefined) shape['message'] = expected.message;
  if (expected.messageIncludes !== undefined) shape['message'] = expect.stringContaining(expected.messageIncludes);
  if (expected.hint !== undefined) shape['hint'] = expected.hint;
  return shape;
}

describe('the broken-input corpus', () => {
  for (const corpusCase of corpus) {
    it(`${corpusCase.title} → ${describeExpected(corpusCase.expect)}`, () => {
      // arrange: a temporary copy of the repository with the case's edits
      // act
      const result = validateCase(corpusCase);

      // assert: exactly the expected diagnostics, in the validator's order
      const actual = result.diagnostics.map((d, i) => comparable(d, corpusCase.expect[i]));
      expect(actual).toEqual(corpusCase.expect.map(expectedShape));
      const hasError = result.diagnostics.some((d) => d.severity === 'error');
      expect(result.project === undefined).toBe(hasError);
    });
  }
});

describe('the corpus itself', () => {
  it('holds at least 45 cases', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(45);
  });

  it('covers every diagnostic code with at least one case', () => {
    const covered = new Set(corpus.flatMap((corpusCase) => corpusCase.expect.map((d) => d.code)));

    const uncovered = ALL_DIAGNOSTIC_CODES.filter((code) => !covered.has(code));

    expect(uncovered).toEqual([]);
  });

  it('gives every case a distinct title', () => {
    const titles = corpus.map((corpusCase) => corpusCase.title);

    expect(new Set(titles).size).toBe(titles.length);
  });
});

// The corpus holds the cases one over each limit; these are the cases exactly at it.
describe('quota boundaries', () => {
  const paddedPolicy = (bytes: number): CorpusCase => ({
    name: `policy-of-${bytes}-bytes`,
    title: `a policy of ${bytes} bytes`,
    edits: [
      {
        file: 'policies/shared/padding.cedar',
        contents:
          '/// Pads one policy to an exact size.\n@id("shared.padding")\nforbid (principal, action, resource)\nwhen { "" == "" };\n',
      },
      // The policy text around the string is 77 bytes.
      { file: 'policies/shared/padding.cedar', after: '== "', insert: 'X', times: bytes - 77 },
    ],
    expect: [],
  });

  it('accepts a policy of exactly 10,000 bytes', () => {
    const result = validateCase(paddedPolicy(10_000));

    expect(result.diagnostics).toEqual([]);
  });

  it('accepts a bundle of exactly 40 templates', () => {
    const result = validateCase({
      name: 'forty-templates',
      title: 'a bundle of 40 templates',
      edits: [
        {
          file: 'policies/tenant/templates.cedar',
          insert:
            '\n/// Generated template {{i}}.\n@id("tenant.generated-{{i}}")\npermit (principal == ?principal, action == ' +
            'Billing::Action::"ViewPayment", resource in ?resource);\n',
          times: 39,
        },
      ],
      expect: [],
    });

    expect(result.diagnostics).toEqual([]);
    expect(result.project?.policies.filter((p) => p.kind === 'template')).toHaveLength(40);
  });
});
