// A mode file that names no environment variable: the stack and the runtime still agree on every table and on the
// policy store, because both read the one name the generator fills in from MODE_DEFAULTS.
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SourceFile } from '../../../generator/load/source-files.js';
import { buildModel, type ModeModel } from '../../../generator/model/build-model.js';
import { MODE_DEFAULTS } from '../../../generator/model/mode-config.js';
import { validateProject } from '../../../generator/validate/project.js';
import { AuthorizerModeStack } from '../../../infra/authorizer-mode-stack.js';
import type { Env } from '../../../runtime/wiring/environment.js';
import { policyStoreId, tableName } from '../../../runtime/wiring/environment.js';
import { NO_BUNDLING } from '../../infra/support/synthesized-app.js';
import { TEST_PROJECT } from '../../infra/support/test-project.js';
import { fixtureSources } from '../../support/fixture-domain.js';

type Resources = Record<string, { Properties: Record<string, unknown> }>;

/** The billing fixture's modes with every `tableEnv` and the policy store's `env` taken out of their YAML. */
function modesWithoutVariables(): ReadonlyMap<string, ModeModel> {
  const sources = fixtureSources('billing');
  const withoutVariables = (file: SourceFile): SourceFile => ({
    ...file,
    text: file.text.replace(/^\s*tableEnv: \w+\n/gm, '').replace(/^\s*env: POLICY_STORE_ID\n/gm, ''),
  });
  const { project, diagnostics } = validateProject({ ...sources, modeFiles: sources.modeFiles.map(withoutVariables) });
  if (!project) throw new Error(`the billing fixture without variables must validate: ${JSON.stringify(diagnostics)}`);
  return new Map(buildModel(project).modes.map((mode) => [mode.name, mode]));
}

/**
 * The authorizer's environment as the deployed stack gives it: a table reference becomes the table's name, and the
 * policy store's id (known only once deployed) the marker `deployed <logical id>`.
 */
function deployedEnvironment(mode: ModeModel): { env: Env; tables: ReadonlyMap<string, string> } {
  const stack = new AuthorizerModeStack(new App({ context: NO_BUNDLING }), `Env-${mode.name}`, {
    project: TEST_PROJECT,
    mode: mode.config,
    bundle: mode.bundle,
    // Bundling is skipped: the entry only has to exist, and runtime/index.ts exists in every project.
    handlerEntry: fileURLToPath(new URL('../../../runtime/index.ts', import.meta.url)),
    lambda: { memoryMb: 512, timeoutSeconds: 5 },
    backend: { kind: 'http', url: 'https://example.com' },
  });
  const template = Template.fromStack(stack);
  const tables = new Map(
    Object.entries(template.findResources('AWS::DynamoDB::Table') as Resources).map(([id, table]) => [
      id,
      String(table.Properties['TableName']),
    ]),
  );
  const authorizers = Object.values(template.findResources('AWS::Lambda::Function') as Resources).filter((fn) =>
    JSON.stringify(fn.Properties).includes('AUTHORIZER_MODE'),
  );
  const variables = (authorizers[0]?.Properties['Environment'] as { Variables: Record<string, unknown> } | undefined)?.Variables ?? {};
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables)) {
    const ref = (value as { Ref?: string }).Ref;
    const attribute = (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
    env[name] = typeof value === 'string' ? value : ref !== undefined ? (tables.get(ref) ?? `ref ${ref}`) : `deployed ${attribute?.[0]}`;
  }
  return { env, tables: new Map([...tables.values()].map((name) => [name, name])) };
}

describe('environment variables when the mode file names none', () => {
  const modes = modesWithoutVariables();
  const mode = (name: string): ModeModel => {
    const found = modes.get(name);
    if (!found) throw new Error(`the billing fixture has no mode ${name}`);
    return found;
  };

  it('the generator fills in the variables of MODE_DEFAULTS', () => {
    const tenant = mode('multi-tenant').config;
    const internal = mode('internal').config;

    const variables = {
      entityTable: tenant.entityStore?.tableEnv,
      tenantTable: tenant.tenancy.kind === 'multi' ? tenant.tenancy.policyStoreLookup.tableEnv : undefined,
      policyStore: internal.engine.kind === 'avp' ? internal.engine.policyStore?.env : undefined,
    };

    expect(variables).toEqual({
      entityTable: MODE_DEFAULTS.entityTableEnv,
      tenantTable: MODE_DEFAULTS.tenantTableEnv,
      policyStore: MODE_DEFAULTS.policyStoreEnv,
    });
  });

  // The first synth in a process takes seconds (more on a loaded machine): the three stacks are built once, up front.
  const deployed = new Map<string, ReturnType<typeof deployedEnvironment>>();
  beforeAll(() => {
    for (const name of ['customer', 'multi-tenant', 'internal']) deployed.set(name, deployedEnvironment(mode(name)));
  }, 180_000);
  const deployedOf = (name: string): ReturnType<typeof deployedEnvironment> => {
    const found = deployed.get(name);
    if (!found) throw new Error(`no stack was synthesized for mode ${name}`);
    return found;
  };

  it("the runtime reads the per-mode entity table the stack creates, not the mode file's bare table name", () => {
    const customer = mode('customer');
    const { env, tables } = deployedOf('customer');
    const store = customer.config.entityStore;
    if (!store) throw new Error('the customer mode has an entity store');

    const read = tableName(store, env);

    expect(read).toBe('billing-entities-customer');
    expect(tables.has(read)).toBe(true);
  });

  it('the runtime reads the tenant table and the entity table the multi-tenant stack creates', () => {
    const tenant = mode('multi-tenant');
    const { env, tables } = deployedOf('multi-tenant');
    const { tenancy, entityStore } = tenant.config;
    if (tenancy.kind !== 'multi' || !entityStore) throw new Error('the multi-tenant mode has a tenant table and an entity store');

    const read = { tenants: tableName(tenancy.policyStoreLookup, env), entities: tableName(entityStore, env) };

    expect(read).toEqual({ tenants: 'billing-tenants', entities: 'billing-entities-multi-tenant' });
    expect([tables.has(read.tenants), tables.has(read.entities)]).toEqual([true, true]);
  });

  it('an AVP mode asks the policy store the stack deploys, not the placeholder id of its mode file', () => {
    const internal = mode('internal');
    const { env } = deployedOf('internal');
    const { engine } = internal.config;
    if (engine.kind !== 'avp' || !engine.policyStore) throw new Error('the internal mode is an AVP mode with a policy store');

    const read = policyStoreId(engine.policyStore, env);

    expect(read).toMatch(/^deployed PolicyStore/);
  });
});
