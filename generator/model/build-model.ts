// The model step: a validated project becomes everything the templates need, and nothing they must compute.
import { modeNames } from '../../infra/project.js';
import type { ModeConfig, PolicyBundle } from '../../runtime/config.js';
import type { PolicySource } from '../load/cedar-policies.js';
import type { ModeFile } from '../load/mode-file.js';
import type { SourceFile } from '../load/source-files.js';
import { policyBelongsTo } from '../validate/modes.js';
import type { ValidProject } from '../validate/project.js';
import { toModeConfig } from './mode-config.js';
import { toProjectModel, type ProjectModel } from './project-model.js';
import { toSchemaTypes, type SchemaTypesModel } from './schema-types.js';
import { hashSources } from './source-hash.js';

/** Which runtime factory and which `aws-lambda` types a mode's handler uses, by API type and authorizer kind. */
export interface HandlerShape {
  readonly factory: 'restTokenAuthorizer' | 'restRequestAuthorizer' | 'httpAuthorizer' | 'webSocketAuthorizer';
  readonly eventType: string;
  readonly resultType: string;
}

export interface Provenance {
  /** Input files, relative to the project root, sorted. */
  readonly sources: readonly string[];
  readonly sourceHash: string;
}

export interface ModeModel {
  readonly name: string;
  /** `MultiTenant`: the mode name as a TypeScript identifier part. */
  readonly pascalName: string;
  /** `AcmeApiAuthorizer-customer`: from project.yaml's application name (infra/project.ts). */
  readonly stackId: string;
  readonly description: string;
  readonly config: ModeConfig;
  readonly bundle: PolicyBundle;
  readonly handler: HandlerShape;
  readonly lambda: ModeFile['lambda'];
  readonly backend: ModeFile['backend'];
  readonly provenance: Provenance;
}

export interface GenerationModel {
  readonly project: ProjectModel;
  /** project.yaml alone: what generated/project.ts and .github/CODEOWNERS come from. */
  readonly projectProvenance: Provenance;
  readonly schemaTypes: SchemaTypesModel;
  readonly schemaProvenance: Provenance;
  readonly modes: readonly ModeModel[];
  /** Every input, project.yaml included, for files that depend on all of them (app.ts, cdk.json). */
  readonly provenance: Provenance;
}

const HANDLER_SHAPES: Record<string, HandlerShape> = {
  'rest:token': {
    factory: 'restTokenAuthorizer',
    eventType: 'APIGatewayTokenAuthorizerEvent',
    resultType: 'APIGatewayAuthorizerResult',
  },
  'rest:request': {
    factory: 'restRequestAuthorizer',
    eventType: 'APIGatewayRequestAuthorizerEvent',
    resultType: 'APIGatewayAuthorizerResult',
  },
  'http:request': {
    factory: 'httpAuthorizer',
    eventType: 'APIGatewayRequestAuthorizerEventV2',
    resultType: 'APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>',
  },
  'websocket:request': {
    factory: 'webSocketAuthorizer',
    eventType: 'APIGatewayRequestAuthorizerEvent',
    resultType: 'APIGatewayAuthorizerResult',
  },
};

export function buildModel(project: ValidProject): GenerationModel {
  const { schema, policies, modes, sources, settings } = project;
  const projectModel = toProjectModel(settings);
  const projectFiles = sources.projectFile ? [sources.projectFile] : [];
  const schemaProvenance = provenance([schema.file]);
  const modeModels = modes
    .map(({ mode, source }) => {
      const bundled = policies.filter((policy) => mode.policies.some((entry) => policyBelongsTo(policy.file.path, entry)));
      const handler = HANDLER_SHAPES[`${mode.api.type}:${mode.api.authorizer}`];
      if (!handler) throw new Error(`no handler shape for ${mode.api.type}:${mode.api.authorizer}; validation should have refused it`);
      const policyFiles = uniqueFiles(bundled);
      return {
        name: mode.name,
        pascalName: pascalCase(mode.name),
        stackId: modeNames(projectModel.config, mode.name).stackId,
        description: mode.description.trim(),
        config: toModeConfig(mode, schema.namespace),
        bundle: toBundle(mode.name, schema.namespace, schema.json, bundled),
        handler,
        lambda: mode.lambda,
        backend: mode.backend,
        provenance: provenance([source.file, schema.file, ...policyFiles]),
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  return {
    project: projectModel,
    projectProvenance: provenance(projectFiles),
    schemaTypes: toSchemaTypes(schema),
    schemaProvenance,
    modes: modeModels,
    provenance: provenance([...projectFiles, ...sources.schemaFiles, ...sources.policyFiles, ...sources.modeFiles]),
  };
}

function toBundle(mode: string, namespace: string, schemaJson: object, policies: readonly PolicySource[]): PolicyBundle {
  const staticPolicies: Record<string, string> = {};
  const templates: Record<string, string> = {};
  // Keyed and sorted by @id: the bundle does not change when policies move between files.
  for (const policy of [...policies].sort((a, b) => ((a.id ?? '') < (b.id ?? '') ? -1 : 1))) {
    if (policy.id === undefined) throw new Error('a policy without @id reached the model; validation should have refused it');
    (policy.kind === 'policy' ? staticPolicies : templates)[policy.id] = normalizeNewlines(policy.text);
  }
  return { mode, namespace, schema: sortKeys(schemaJson) as Record<string, unknown>, policies: staticPolicies, templates };
}

function provenance(files: readonly SourceFile[]): Provenance {
  const unique = uniqueBy(files, (file) => file.path);
  return { sources: unique.map((file) => file.path).sort(), sourceHash: hashSources(unique) };
}

function uniqueFiles(policies: readonly PolicySource[]): SourceFile[] {
  return uniqueBy(
    policies.map((policy) => policy.file),
    (file) => file.path,
  );
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** Recursively sorts object keys, so JSON output does not depend on insertion order. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

function normalizeNewlines(text: string): string {
  return text.replace(/\r\n/g, '\n');
}
