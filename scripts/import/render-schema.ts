// Renders the store's Cedar JSON schema as one human-readable `schema/<namespace>.cedarschema` file.
import { schemaToJsonWithResolvedTypes, schemaToText, type SchemaJson } from '@cedar-policy/cedar-wasm/nodejs';
import { UnsupportedStoreError } from './errors.js';
import { importHeader } from './import-header.js';
import { kebabCase } from './policy-id.js';
import type { RenderedFile } from './rendered-file.js';

export interface RenderedSchema extends RenderedFile {
  readonly namespace: string;
}

export function renderSchema(policyStoreId: string, schemaJson: string): RenderedSchema {
  let parsed: unknown;
  try {
    parsed = JSON.parse(schemaJson);
  } catch (error) {
    throw new UnsupportedStoreError(`the schema of policy store ${policyStoreId} is not JSON`, { cause: error });
  }
  const namespaces = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? Object.keys(parsed) : [];
  const [namespace] = namespaces;
  if (namespaces.length !== 1 || namespace === undefined || namespace === '') {
    const declared = namespaces.length === 1 ? 'no named namespace' : `${namespaces.length} namespaces`;
    throw new UnsupportedStoreError(
      `the schema of policy store ${policyStoreId} declares ${declared}` +
        `${namespaces.length > 1 ? ` (${namespaces.join(', ')})` : ''}; a project holds one schema with exactly one namespace`,
    );
  }
  const text = schemaToText(parsed as SchemaJson<string>);
  if (text.type === 'failure') {
    throw new UnsupportedStoreError(
      `the schema of policy store ${policyStoreId} does not convert to Cedar's schema format: ` +
        text.errors.map((e) => e.message).join('; '),
    );
  }
  return {
    namespace,
    path: `schema/${kebabCase(namespace)}.cedarschema`,
    contents: `${importHeader(policyStoreId)}\n${readable(text.text).trimEnd()}\n`,
  };
}

const BUILTIN = /__cedar::(Bool|Boolean|Long|String|ipaddr|decimal|datetime|duration)\b/g;
const EMPTY_CONTEXT = /,\n\s*context: \{\}(?=\n)/g;

/**
 * cedar-wasm writes every builtin type fully qualified (`__cedar::Bool`) in case the schema shadows it, and an empty
 * `context: {}` on every action without one. Writes plain names and leaves empty contexts out, unless that changes
 * what any type resolves to (a schema declaring its own `decimal`, say): then the text stays as cedar-wasm wrote it.
 */
function readable(text: string): string {
  const plain = text.replace(BUILTIN, '$1').replace(EMPTY_CONTEXT, '');
  if (plain === text) return text;
  const before = schemaToJsonWithResolvedTypes(text);
  const after = schemaToJsonWithResolvedTypes(plain);
  if (before.type === 'failure' || after.type === 'failure') return text;
  return JSON.stringify(before.json).replaceAll('"__cedar::', '"') === JSON.stringify(after.json) ? plain : text;
}
