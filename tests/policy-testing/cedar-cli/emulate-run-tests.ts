// A stand-in for `cedar run-tests` (the Cedar CLI cannot be built on this machine: no crate registry, no network),
// written from cedar-policy-cli src/command/run_test.rs: policies named by @id, templates linked from --template-linked,
// with --schema a strict validation that must pass without warnings and a request checked against the schema, then
// per test: Cedar's own decision, every expected reason among Cedar's, and the exact count of errors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAuthorized, policySetTextToParts, validate, type TemplateLink } from '@cedar-policy/cedar-wasm/nodejs';
import { parseEntityUid } from '../../../policy-testing/entity-uid.js';
import type { CliTemplateLink, ManifestEntry } from '../../../policy-testing/cedar-cli/export-suites.js';
import type { CliTest } from '../../../policy-testing/cedar-cli/run-tests-format.js';

export interface EmulatedResult {
  readonly name: string;
  /** Empty when the test passes; otherwise what the CLI would print after `fail:`. */
  readonly failures: readonly string[];
}

export function emulateRunTests(dir: string, entry: ManifestEntry): EmulatedResult[] {
  const parts = policySetTextToParts(readFileSync(join(dir, entry.policies), 'utf8'));
  if (parts.type === 'failure') throw new Error(`${entry.policies} does not parse: ${parts.errors.map((e) => e.message).join('; ')}`);
  const links: CliTemplateLink[] = entry.templateLinks
    ? (JSON.parse(readFileSync(join(dir, entry.templateLinks), 'utf8')) as CliTemplateLink[])
    : [];
  const policies = {
    staticPolicies: byId(parts.policies),
    templates: byId(parts.policy_templates),
    templateLinks: links.map(
      (link): TemplateLink => ({
        templateId: link.template_id,
        newId: link.link_id,
        values: { '?principal': uid(link.args['?principal']), '?resource': uid(link.args['?resource']) },
      }),
    ),
  };
  const schema = entry.withSchema ? readFileSync(join(dir, 'schema.cedarschema'), 'utf8') : undefined;
  if (schema !== undefined) {
    const answer = validate({ schema, policies, validationSettings: { mode: 'strict' } });
    const problems =
      answer.type === 'failure'
        ? answer.errors.map((e) => e.message)
        : [...answer.validationErrors, ...answer.validationWarnings].map((e) => `${e.policyId}: ${e.error.message}`);
    if (problems.length > 0) throw new Error(`policy set validation failed for ${entry.policies}: ${problems.join('; ')}`);
  }
  const tests = JSON.parse(readFileSync(join(dir, entry.tests), 'utf8')) as CliTest[];
  return tests.map((test) => {
    if (typeof test.entities === 'string') throw new Error('the export writes entities inline');
    const answer = isAuthorized({
      principal: uid(test.request.principal),
      action: uid(test.request.action),
      resource: uid(test.request.resource),
      context: { ...test.request.context },
      entities: [...test.entities],
      policies,
      ...(schema !== undefined ? { schema, validateRequest: true } : {}),
    });
    const name = test.name ?? '(unnamed)';
    if (answer.type === 'failure') return { name, failures: [`error: ${answer.errors.map((e) => e.message).join('; ')}`] };
    const { decision, diagnostics } = answer.response;
    if (decision !== test.decision) return { name, failures: [`expected ${test.decision}, got ${decision}`] };
    const missing = test.reason.filter((id) => !diagnostics.reason.includes(id));
    const failures = [
      ...(missing.length > 0 ? [`missing reason(s): ${missing.join(', ')}`] : []),
      ...(diagnostics.errors.length !== test.num_errors ? [`expected ${test.num_errors} error(s), got ${diagnostics.errors.length}`] : []),
    ];
    return { name, failures };
  });
}

/** The CLI names each policy by its @id annotation (rename_from_id_annotation). */
function byId(texts: readonly string[]): Record<string, string> {
  return Object.fromEntries(texts.map((text, index) => [/@id\s*\(\s*"((?:[^"\\]|\\.)*)"\s*\)/.exec(text)?.[1] ?? `policy${index}`, text]));
}

function uid(text: string): { type: string; id: string } {
  const parsed = parseEntityUid(text);
  if (!parsed) throw new Error(`${text} is not an entity uid`);
  return parsed;
}
