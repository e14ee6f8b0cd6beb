// Checks the policies: strict validation against the schema, unique @ids, a `///` comment on each, AVP size quotas.
import { validate, type DetailedError } from '@cedar-policy/cedar-wasm/nodejs';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { schemaNames, unrecognizedNameHint, type SchemaNames } from '../diagnostics/plain-cedar-hints.js';
import { LineIndex, utf8OffsetToIndex } from '../diagnostics/position.js';
import type { PolicySource } from '../load/cedar-policies.js';
import type { SchemaModel } from '../load/cedar-schema.js';
import { AVP_QUOTAS } from './quotas.js';

export function checkPolicies(policies: readonly PolicySource[], schema: SchemaModel | undefined): Diagnostic[] {
  return [...checkAnnotations(policies), ...checkSizes(policies), ...(schema ? checkAgainstSchema(policies, schema) : [])];
}

function checkAnnotations(policies: readonly PolicySource[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const firstById = new Map<string, PolicySource>();
  for (const policy of policies) {
    const file = policy.file.path;
    if (policy.id === undefined || policy.id.trim() === '') {
      diagnostics.push(
        diagnostic({
          file,
          at: policy.position,
          code: 'POLICY_MISSING_ID',
          message: `this ${policy.kind} has no @id annotation`,
          // `fmt --fix` adds a missing @id but never rewrites one that is there, even empty.
          ...(policy.id === undefined ? {} : { hint: 'Write an id into the empty `@id("")`, such as `@id("area.what-it-allows")`.' }),
        }),
      );
    } else {
      const first = firstById.get(policy.id);
      if (first) {
        diagnostics.push(
          diagnostic({
            file,
            at: policy.idPosition,
            code: 'POLICY_DUPLICATE_ID',
            message: `@id("${policy.id}") is already used at ${first.file.path}:${first.idPosition.line}:${first.idPosition.column}`,
          }),
        );
      } else {
        firstById.set(policy.id, policy);
      }
    }
    if (policy.doc === undefined) {
      diagnostics.push(
        diagnostic({
          file,
          at: policy.position,
          code: 'POLICY_MISSING_DOC',
          message: `${policy.id ? `policy "${policy.id}"` : `this ${policy.kind}`} has no \`///\` comment saying why it exists`,
          // Plain Cedar lacks both; say which half the tool can add.
          ...(policy.id
            ? {}
            : { hint: 'Add a `/// why this policy exists` comment above it; `npm run fmt -- --fix` adds the @id, not the comment.' }),
        }),
      );
    }
  }
  return diagnostics;
}

function checkSizes(policies: readonly PolicySource[]): Diagnostic[] {
  return policies
    .filter((policy) => Buffer.byteLength(policy.text, 'utf8') > AVP_QUOTAS.policyBytes)
    .map((policy) =>
      diagnostic({
        file: policy.file.path,
        at: policy.position,
        code: 'QUOTA_POLICY_SIZE',
        message:
          `${policy.id ? `policy "${policy.id}"` : `this ${policy.kind}`} is ${Buffer.byteLength(policy.text, 'utf8')} bytes; ` +
          `Amazon Verified Permissions accepts at most ${AVP_QUOTAS.policyBytes}`,
      }),
    );
}

/** One cedar-wasm call validates every policy; keys are positions in `policies`, since ids may be missing or repeated. */
function checkAgainstSchema(policies: readonly PolicySource[], schema: SchemaModel): Diagnostic[] {
  const staticPolicies: Record<string, string> = {};
  const templates: Record<string, string> = {};
  policies.forEach((policy, index) => {
    (policy.kind === 'policy' ? staticPolicies : templates)[String(index)] = policy.text;
  });
  const answer = validate({
    schema: schema.file.text,
    policies: { staticPolicies, templates },
    validationSettings: { mode: 'strict' },
  });
  if (answer.type === 'failure') {
    return answer.errors.map((error) =>
      diagnostic({ file: schema.file.path, at: { line: 1, column: 1 }, code: 'CEDAR_POLICY_INVALID', message: error.message }),
    );
  }
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  const lineIndexes = new Map<string, LineIndex>();
  const names = schemaNames(schema);
  for (const { policyId, error } of answer.validationErrors) {
    const policy = policies[Number(policyId)];
    if (!policy) continue;
    const start = error.sourceLocations?.[0]?.start ?? 0;
    // The same mistake is reported once per principal type it was checked against; one report is enough.
    const key = `${policyId}:${start}`;
    if (seen.has(key)) continue;
    seen.add(key);
    let lines = lineIndexes.get(policy.file.path);
    if (!lines) {
      lines = new LineIndex(policy.file.text);
      lineIndexes.set(policy.file.path, lines);
    }
    diagnostics.push(
      diagnostic({
        file: policy.file.path,
        at: lines.positionOf(policy.offset + utf8OffsetToIndex(policy.text, start)),
        code: 'CEDAR_POLICY_INVALID',
        message: (policy.id ? `policy "${policy.id}": ` : '') + withoutPolicyKey(error.message),
        ...hintFor(error, names),
      }),
    );
  }
  return diagnostics;
}

/**
 * For a name the schema does not declare, the qualified name to write: Cedar's own guess, the nearest spelling of the
 * whole name, can name another action. Otherwise Cedar's help, or the code's default hint when it has none.
 */
function hintFor(error: DetailedError, names: SchemaNames): { hint?: string } {
  const rewrite = unrecognizedNameHint(error.message, names);
  if (rewrite !== undefined) return { hint: rewrite };
  if (/unrecognized (entity type|action) `/.test(error.message) || !error.help) return {};
  return { hint: `${capitalize(withoutPolicyKey(error.help))}${error.help.trim().endsWith('?') ? '?' : '.'}` };
}

/** cedar-wasm names a policy by its key in the validation call (its index here), which means nothing to a reader. */
function withoutPolicyKey(text: string): string {
  return text.replace(/^for policy `\d+`, /, '');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1).replace(/[.?]$/, '');
}
