// Loads the suite files: checks each against its schema, resolves its fixtures and references, and expands matrices into cases.
import type { Context, EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { SourcePosition } from '../generator/diagnostics/diagnostic.js';
import type { SchemaModel } from '../generator/load/cedar-schema.js';
import type { SourceFile } from '../generator/load/source-files.js';
import { loadYaml, type YamlPath, type YamlSource } from '../generator/load/yaml-source.js';
import { closestMatch } from '../common/did-you-mean.js';
import { toCedarRecord } from './cedar-json.js';
import { testDiagnostic, type TestDiagnostic, type TestDiagnosticCode } from './diagnostics.js';
import { hasErrors } from '../generator/diagnostics/diagnostic.js';
import { formatEntityUid, sameUid } from './entity-uid.js';
import { CedarValueError } from './errors.js';
import type { SchemaCheck, TemplateLinkSpec, TestRequest } from './evaluate.js';
import type { Expectation } from './expectations.js';
import { checkTestFile } from './file-schema.js';
import type { FixtureFile, LinkDeclaration, RawLink } from './load-fixtures.js';
import { bundlePolicySet, policySetOf, type ModePolicySet, type PolicyCatalog } from './policy-catalog.js';
import { reachableEntities } from './reachable-entities.js';
import { displayName, readEntities, resolveReference, type RawEntity, type TestEntity } from './read-entities.js';

export interface PolicyCase {
  /** `<principal>_<action>_<resource>`, with `_<variant>` when the suite tells cases of one triple apart. */
  readonly id: string;
  /** `alice (viewer) ViewDocument doc-1 → allow`: the test's name. */
  readonly name: string;
  readonly suite: string;
  readonly mode: string;
  readonly position: SourcePosition;
  readonly origin: 'case' | 'matrix';
  readonly description: string | undefined;
  readonly request: TestRequest;
  /** The entities the request reaches, from the suite's and the case's own (which replace those with the same uid). */
  readonly entities: readonly EntityJson[];
  readonly schemaCheck: SchemaCheck;
  readonly expect: Expectation;
}

export interface LoadedSuite {
  readonly file: string;
  readonly description: string;
  readonly mode: string;
  readonly policySource: 'files' | 'bundle';
  readonly policySet: ModePolicySet;
  readonly links: readonly TemplateLinkSpec[];
  /** The fixtures' and the suite's entities: what every case sees unless it brings its own. */
  readonly entities: readonly TestEntity[];
  readonly cases: readonly PolicyCase[];
}

interface RawExpectation {
  readonly decision: 'allow' | 'deny';
  readonly determining?: readonly string[];
  readonly determiningIncludes?: readonly string[];
  readonly errors?: readonly string[];
}

interface RawCase {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, unknown>;
  readonly variant?: string;
  readonly description?: string;
  readonly schemaCheck?: SchemaCheck;
  readonly entities?: readonly RawEntity[];
  readonly expect: RawExpectation;
}

interface RawMatrix {
  readonly description?: string;
  readonly principals: readonly string[];
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly context?: Record<string, Record<string, unknown>>;
  readonly variant?: string;
  readonly default: 'deny';
  readonly cells?: Record<string, 'allow' | 'deny' | RawExpectation>;
}

interface RawSuite {
  readonly description: string;
  readonly mode: string;
  readonly policySource?: 'files' | 'bundle';
  readonly schemaCheck?: SchemaCheck;
  readonly fixtures?: readonly string[];
  readonly entities?: readonly RawEntity[];
  readonly templateLinks?: readonly RawLink[];
  readonly cases?: readonly RawCase[];
  readonly matrices?: readonly RawMatrix[];
}

export interface SuiteLoadInputs {
  readonly root: string;
  readonly schema: SchemaModel;
  readonly catalog: PolicyCatalog;
  readonly fixtures: ReadonlyMap<string, FixtureFile>;
}

export interface SuitesLoad {
  readonly suites: readonly LoadedSuite[];
  readonly diagnostics: readonly TestDiagnostic[];
}

/** Loads every suite; a suite with any error is reported and left out, the others still load. */
export function loadSuites(files: readonly SourceFile[], inputs: SuiteLoadInputs): SuitesLoad {
  const suites: LoadedSuite[] = [];
  const diagnostics: TestDiagnostic[] = [];
  for (const file of files) {
    const loaded = loadYaml(file);
    diagnostics.push(...loaded.diagnostics);
    if (!loaded.source) continue;
    const shape = checkTestFile(loaded.source, 'suite');
    diagnostics.push(...shape);
    if (hasErrors(shape)) continue;
    const builder = new SuiteBuilder(loaded.source, inputs);
    const suite = builder.build();
    diagnostics.push(...builder.diagnostics);
    if (suite && !hasErrors(builder.diagnostics)) suites.push(suite);
  }
  return { suites, diagnostics };
}

class SuiteBuilder {
  readonly diagnostics: TestDiagnostic[] = [];
  private readonly raw: RawSuite;
  private pool: TestEntity[] = [];
  private policyIds = new Set<string>();

  constructor(
    private readonly source: YamlSource,
    private readonly inputs: SuiteLoadInputs,
  ) {
    this.raw = source.data as RawSuite;
  }

  build(): LoadedSuite | undefined {
    const { raw } = this;
    const policySet = this.policySet();
    this.pool = this.entities();
    if (!policySet) return undefined;
    const links = this.links(policySet);
    this.policyIds = new Set([
      ...Object.keys(policySet.staticPolicies),
      ...Object.keys(policySet.templates),
      ...links.map((link) => link.id),
    ]);
    const cases = [
      ...(raw.cases ?? []).flatMap((rawCase, index) => this.explicitCase(rawCase, ['cases', index]) ?? []),
      ...(raw.matrices ?? []).flatMap((matrix, index) => this.matrixCases(matrix, ['matrices', index])),
    ];
    this.checkUniqueIds(cases);
    return {
      file: this.source.file.path,
      description: raw.description.trim(),
      mode: raw.mode,
      policySource: raw.policySource ?? 'files',
      policySet,
      links,
      entities: this.pool,
      cases,
    };
  }

  private report(path: YamlPath, code: TestDiagnosticCode, message: string, target: 'key' | 'value' = 'value'): void {
    this.diagnostics.push(testDiagnostic({ file: this.source.file.path, at: this.source.positionOf(path, target), code, message }));
  }

  private policySet(): ModePolicySet | undefined {
    const { raw, inputs } = this;
    const modes = [...inputs.catalog.modes.keys()];
    if (!inputs.catalog.modes.has(raw.mode)) {
      const suggestion = closestMatch(raw.mode, modes);
      this.report(
        ['mode'],
        'TEST_MODE_UNKNOWN',
        `no mode \`${raw.mode}\` in modes/${suggestion ? `; did you mean \`${suggestion}\`?` : `; modes: ${modes.join(', ')}`}`,
      );
      return undefined;
    }
    const policySet = raw.policySource === 'bundle' ? bundlePolicySet(inputs.root, raw.mode) : policySetOf(inputs.catalog, raw.mode);
    if (!policySet || Object.keys(policySet.staticPolicies).length + Object.keys(policySet.templates).length === 0) {
      this.report(
        ['mode'],
        'TEST_MODE_UNKNOWN',
        raw.policySource === 'bundle'
          ? `generated/${raw.mode}/policies.json is missing or empty; run \`npm run generate\``
          : `mode \`${raw.mode}\` has no policy that loads`,
      );
      return undefined;
    }
    return policySet;
  }

  private entities(): TestEntity[] {
    const { raw, inputs, source } = this;
    const pool: TestEntity[] = [];
    (raw.fixtures ?? []).forEach((name, index) => {
      const fixture = inputs.fixtures.get(name);
      if (fixture) pool.push(...fixture.entities);
      else {
        const suggestion = closestMatch(name, [...inputs.fixtures.keys()]);
        this.report(
          ['fixtures', index],
          'TEST_FIXTURE_UNKNOWN',
          `no fixture file \`${name}.yaml\`${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
        );
      }
    });
    const own = readEntities(source, ['entities'], raw.entities ?? [], inputs.schema);
    this.diagnostics.push(...own.diagnostics);
    pool.push(...own.entities);
    const seen: TestEntity[] = [];
    for (const entity of pool) {
      const first = seen.find((other) => sameUid(other.uid, entity.uid));
      if (first) {
        this.diagnostics.push(
          testDiagnostic({
            file: entity.file,
            at: entity.position,
            code: 'TEST_ENTITY_DUPLICATE',
            message: `${formatEntityUid(entity.uid)} is already defined at ${first.file}:${first.position.line}:${first.position.column}`,
          }),
        );
      } else seen.push(entity);
    }
    return seen;
  }

  private links(policySet: ModePolicySet): TemplateLinkSpec[] {
    const declarations: LinkDeclaration[] = [
      ...(this.raw.fixtures ?? []).flatMap((name) => this.inputs.fixtures.get(name)?.links ?? []),
      ...(this.raw.templateLinks ?? []).map((link, index) => ({ raw: link, source: this.source, path: ['templateLinks', index] })),
    ];
    const links: TemplateLinkSpec[] = [];
    for (const { raw, source, path } of declarations) {
      const report = (key: string, message: string): void => {
        this.diagnostics.push(
          testDiagnostic({ file: source.file.path, at: source.positionOf([...path, key]), code: 'TEST_TEMPLATE_LINK', message }),
        );
      };
      if (!(raw.template in policySet.templates)) {
        const suggestion = closestMatch(raw.template, Object.keys(policySet.templates));
        report(
          'template',
          `mode \`${policySet.mode}\` has no template \`${raw.template}\`${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
        );
        continue;
      }
      if (raw.id in policySet.staticPolicies || raw.id in policySet.templates || links.some((link) => link.id === raw.id)) {
        report('id', `the id \`${raw.id}\` is already taken by a policy, template or link`);
        continue;
      }
      const principal = this.resolve(source, [...path, 'principal'], raw.principal, 'TEST_ENTITY_UNKNOWN');
      const resource = this.resolve(source, [...path, 'resource'], raw.resource, 'TEST_ENTITY_UNKNOWN');
      if (principal && resource) links.push({ id: raw.id, templateId: raw.template, principal, resource });
    }
    return links;
  }

  private resolve(source: YamlSource, path: YamlPath, text: string, code: TestDiagnosticCode, pool: readonly TestEntity[] = this.pool) {
    const resolved = resolveReference(text, pool, this.inputs.schema);
    if ('uid' in resolved) return resolved.uid;
    this.diagnostics.push(testDiagnostic({ file: source.file.path, at: source.positionOf(path), code, message: resolved.problem }));
    return undefined;
  }

  private explicitCase(raw: RawCase, path: YamlPath): PolicyCase | undefined {
    const own = readEntities(this.source, [...path, 'entities'], raw.entities ?? [], this.inputs.schema);
    this.diagnostics.push(...own.diagnostics);
    // A case's own entities come first, so its references and labels find them before the fixture they replace.
    const pool = [...own.entities, ...this.pool.filter((entity) => !own.entities.some((mine) => sameUid(mine.uid, entity.uid)))];
    const principal = this.resolve(this.source, [...path, 'principal'], raw.principal, 'TEST_ENTITY_UNKNOWN', pool);
    const resource = this.resolve(this.source, [...path, 'resource'], raw.resource, 'TEST_ENTITY_UNKNOWN', pool);
    const action = this.action([...path, 'action'], raw.action);
    const context = this.context([...path, 'context'], raw.context);
    const expect = this.expectation([...path, 'expect'], raw.expect);
    if (!principal || !resource || !action || !context || !expect) return undefined;
    return this.makeCase({
      request: { principal, action: { type: `${this.inputs.schema.namespace}::Action`, id: action }, resource, context },
      pool,
      variant: raw.variant,
      position: this.source.positionOf(path),
      origin: 'case',
      description: raw.description,
      schemaCheck: raw.schemaCheck,
      expect,
    });
  }

  private matrixCases(matrix: RawMatrix, path: YamlPath): PolicyCase[] {
    const { schema } = this.inputs;
    const principals = matrix.principals.map((text, i) => ({
      text,
      uid: this.resolve(this.source, [...path, 'principals', i], text, 'TEST_ENTITY_UNKNOWN'),
    }));
    const resources = matrix.resources.map((text, i) => ({
      text,
      uid: this.resolve(this.source, [...path, 'resources', i], text, 'TEST_ENTITY_UNKNOWN'),
    }));
    const actions = matrix.actions.map((text, i) => ({ text, id: this.action([...path, 'actions', i], text) }));
    const contexts = new Map<string, Context>();
    for (const [action, value] of Object.entries(matrix.context ?? {})) {
      if (!matrix.actions.includes(action)) {
        this.report([...path, 'context', action], 'TEST_MATRIX_CELL', `\`${action}\` is not one of the matrix's actions`, 'key');
        continue;
      }
      const context = this.context([...path, 'context', action], value);
      if (context) contexts.set(action, context);
    }
    const cells = new Map<string, Expectation>();
    for (const [key, value] of Object.entries(matrix.cells ?? {})) {
      const cellPath = [...path, 'cells', key];
      const [p, a, r] = key.split(' ');
      const principal = principals.find((item) => item.text === p);
      const action = actions.find((item) => item.text === a);
      const resource = resources.find((item) => item.text === r);
      if (!principal || !action || !resource) {
        const outside = [!principal && `principal \`${p}\``, !action && `action \`${a}\``, !resource && `resource \`${r}\``]
          .filter(Boolean)
          .join(' and ');
        this.report(cellPath, 'TEST_MATRIX_CELL', `cell \`${key}\` names the ${outside}, which the matrix does not list`, 'key');
        continue;
      }
      if (principal.uid && action.id && resource.uid && !this.applies(action.id, principal.uid.type, resource.uid.type)) {
        this.report(
          cellPath,
          'TEST_MATRIX_CELL',
          `${action.id} does not apply to ${principal.uid.type} on ${resource.uid.type}, so the matrix has no cell \`${key}\``,
          'key',
        );
        continue;
      }
      const expectation = this.expectation(cellPath, typeof value === 'string' ? { decision: value } : value);
      if (expectation) cells.set(key, expectation);
    }
    const defaultPosition = this.source.positionOf([...path, 'default'], 'key');
    const cases: PolicyCase[] = [];
    for (const principal of principals) {
      for (const action of actions) {
        for (const resource of resources) {
          if (!principal.uid || !action.id || !resource.uid) continue;
          if (!this.applies(action.id, principal.uid.type, resource.uid.type)) continue;
          const key = `${principal.text} ${action.text} ${resource.text}`;
          const cell = cells.get(key);
          cases.push(
            this.makeCase({
              request: {
                principal: principal.uid,
                action: { type: `${schema.namespace}::Action`, id: action.id },
                resource: resource.uid,
                context: contexts.get(action.id) ?? {},
              },
              pool: this.pool,
              variant: matrix.variant,
              position: cell ? this.source.positionOf([...path, 'cells', key], 'key') : defaultPosition,
              origin: 'matrix',
              description: matrix.description,
              schemaCheck: undefined,
              expect: cell ?? { decision: matrix.default, errors: [] },
            }),
          );
        }
      }
    }
    return cases;
  }

  private makeCase(input: {
    request: TestRequest;
    pool: readonly TestEntity[];
    variant: string | undefined;
    position: SourcePosition;
    origin: 'case' | 'matrix';
    description: string | undefined;
    schemaCheck: SchemaCheck | undefined;
    expect: Expectation;
  }): PolicyCase {
    const { request, pool, variant } = input;
    const suffix = variant ? `_${variant}` : '';
    return {
      id: `${request.principal.id}_${request.action.id}_${request.resource.id}${suffix}`,
      name:
        `${displayName(request.principal, pool)} ${request.action.id} ${displayName(request.resource, pool)}` +
        `${variant ? ` [${variant}]` : ''} → ${input.expect.decision}`,
      suite: this.source.file.path,
      mode: this.raw.mode,
      position: input.position,
      origin: input.origin,
      description: input.description?.trim(),
      request,
      entities: reachableEntities(
        request,
        pool.map((entity) => entity.json),
      ),
      schemaCheck: input.schemaCheck ?? this.raw.schemaCheck ?? 'request',
      expect: input.expect,
    };
  }

  private action(path: YamlPath, id: string): string | undefined {
    if (this.inputs.schema.actions.has(id)) return id;
    const suggestion = closestMatch(id, [...this.inputs.schema.actions.keys()]);
    this.report(
      path,
      'TEST_ACTION_UNKNOWN',
      `action \`${id}\` is not in the schema${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
    );
    return undefined;
  }

  private applies(actionId: string, principalType: string, resourceType: string): boolean {
    const action = this.inputs.schema.actions.get(actionId);
    return !!action && action.principalTypes.includes(principalType) && action.resourceTypes.includes(resourceType);
  }

  private context(path: YamlPath, value: Record<string, unknown> | undefined): Context | undefined {
    try {
      return toCedarRecord(value ?? {}, 'context');
    } catch (error) {
      if (!(error instanceof CedarValueError)) throw error;
      this.report(path, 'TEST_INVALID_VALUE', error.message);
      return undefined;
    }
  }

  private expectation(path: YamlPath, raw: RawExpectation): Expectation | undefined {
    let known = true;
    for (const key of ['determining', 'determiningIncludes'] as const) {
      (raw[key] ?? []).forEach((id, index) => {
        if (this.policyIds.has(id)) return;
        known = false;
        const suggestion = closestMatch(id, [...this.policyIds]);
        this.report(
          [...path, key, index],
          'TEST_POLICY_UNKNOWN',
          `no policy, template or link \`${id}\` in mode \`${this.raw.mode}\`${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
        );
      });
    }
    if (!known) return undefined;
    return {
      decision: raw.decision,
      ...(raw.determining ? { determining: [...raw.determining].sort() } : {}),
      ...(raw.determiningIncludes ? { determiningIncludes: [...raw.determiningIncludes].sort() } : {}),
      errors: raw.errors ?? [],
    };
  }

  private checkUniqueIds(cases: readonly PolicyCase[]): void {
    const first = new Map<string, PolicyCase>();
    for (const testCase of cases) {
      const earlier = first.get(testCase.id);
      if (!earlier) {
        first.set(testCase.id, testCase);
        continue;
      }
      this.diagnostics.push(
        testDiagnostic({
          file: this.source.file.path,
          at: testCase.position,
          code: 'TEST_CASE_DUPLICATE',
          message: `case \`${testCase.id}\` is already defined at ${earlier.position.line}:${earlier.position.column}`,
        }),
      );
    }
  }
}
