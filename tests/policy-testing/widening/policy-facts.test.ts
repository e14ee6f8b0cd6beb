// What the widening reads off a policy: literals compared with attributes, numeric bounds, set members, named uids,
// `has`, and the action scope, on hand-written policies.
import { policyToJson, templateToJson } from '@cedar-policy/cedar-wasm/nodejs';
import { describe, expect, it } from 'vitest';
import { loadSchema } from '../../../generator/load/cedar-schema.js';
import { actionsInScope } from '../../../policy-testing/widening/policy-actions.js';
import { type PolicyFact, readPolicyFacts } from '../../../policy-testing/widening/policy-facts.js';
import { probesOf } from '../../../policy-testing/widening/probes.js';
import { fixtureSources } from '../../support/fixture-domain.js';

function factsOf(text: string): readonly PolicyFact[] {
  const answer = policyToJson(text);
  if (answer.type !== 'success') throw new Error(`does not parse: ${text}`);
  const facts = readPolicyFacts(answer.json);
  if (!facts) throw new Error(`no facts: ${text}`);
  return facts.facts;
}

const when = (condition: string) => `permit (principal, action, resource) when { ${condition} };`;
const ctx = (attr: string) => ({ variable: 'context', attr });

describe('literals compared with a context or entity attribute', () => {
  it('reads == and != on either side, on context, principal and resource attributes', () => {
    expect(factsOf(when('context.currency == "CHF" && principal.email != "a@b" && "T" == resource.title'))).toEqual([
      { kind: 'equals', target: ctx('currency'), value: 'CHF' },
      { kind: 'equals', target: { variable: 'principal', attr: 'email' }, value: 'a@b' },
      { kind: 'equals', target: { variable: 'resource', attr: 'title' }, value: 'T' },
    ]);
  });

  it('finds a comparison under !, ||, if-then-else and unless as well as under &&', () => {
    const text = 'forbid (principal, action, resource) unless { !(context.a == 1) || (if context.b == 2 then true else false) };';
    expect(factsOf(text)).toEqual([
      { kind: 'equals', target: ctx('a'), value: 1 },
      { kind: 'equals', target: ctx('b'), value: 2 },
    ]);
  });

  it('reads an extension constructor of a string as a literal', () => {
    expect(factsOf(when('context.ip == ip("10.0.0.1")'))).toEqual([
      { kind: 'equals', target: ctx('ip'), value: { __extn: { fn: 'ip', arg: '10.0.0.1' } } },
    ]);
  });

  it('reads like as a string that matches the pattern', () => {
    expect(factsOf(when('resource.title like "Bug*:*"'))).toEqual([
      { kind: 'like', target: { variable: 'resource', attr: 'title' }, matching: 'Bug:', pattern: 'Bug*:*' },
    ]);
  });

  it('follows no deeper path than one attribute (context.payment.amount is not read)', () => {
    expect(factsOf(when('context.payment.amount == 5'))).toEqual([]);
  });
});

describe('numeric bounds', () => {
  it('reads the bound as `attribute op bound`, turning the operator when the literal is on the left', () => {
    expect(factsOf(when('context.amount > 1000000 && 5 <= context.n && -3 < context.m'))).toEqual([
      { kind: 'bound', target: ctx('amount'), op: '>', bound: 1000000 },
      { kind: 'bound', target: ctx('n'), op: '>=', bound: 5 },
      { kind: 'bound', target: ctx('m'), op: '>', bound: -3 },
    ]);
  });

  it('probes the bound itself and one on either side, each named after the condition', () => {
    expect(probesOf(factsOf(when('context.amount > 100'))).map((probe) => (probe.kind === 'attribute' ? probe.detail : ''))).toEqual([
      'context.amount == 99 (bound context.amount > 100, -1)',
      'context.amount == 100 (bound context.amount > 100)',
      'context.amount == 101 (bound context.amount > 100, +1)',
    ]);
  });

  it('leaves out a neighbour beyond Cedar JSON safe integers', () => {
    const details = probesOf(factsOf(when(`context.n <= ${Number.MAX_SAFE_INTEGER}`))).map((probe) =>
      probe.kind === 'attribute' ? probe.detail : '',
    );
    expect(details).toEqual([
      `context.n == ${Number.MAX_SAFE_INTEGER - 1} (bound context.n <= ${Number.MAX_SAFE_INTEGER}, -1)`,
      `context.n == ${Number.MAX_SAFE_INTEGER} (bound context.n <= ${Number.MAX_SAFE_INTEGER})`,
    ]);
  });
});

describe('set members', () => {
  it('reads contains, containsAll and containsAny on an attribute, and a literal set containing an attribute', () => {
    const text = when('principal.scopes.contains("a") && principal.scopes.containsAll(["b", "c"]) && ["x", "y"].contains(context.kind)');
    expect(factsOf(text)).toEqual([
      { kind: 'member', target: { variable: 'principal', attr: 'scopes' }, member: 'a' },
      { kind: 'member', target: { variable: 'principal', attr: 'scopes' }, member: 'b' },
      { kind: 'member', target: { variable: 'principal', attr: 'scopes' }, member: 'c' },
      { kind: 'one-of', target: ctx('kind'), choices: ['x', 'y'] },
    ]);
  });

  it('probes each member present and absent, and each choice of a literal set', () => {
    const details = probesOf(factsOf(when('principal.scopes.containsAny(["a"]) && ["x", "y"].contains(context.kind)'))).map((probe) =>
      probe.kind === 'attribute' ? probe.detail : '',
    );
    expect(details).toEqual([
      'principal.scopes contains "a"',
      'principal.scopes without "a"',
      'context.kind == "x" (one of ["x", "y"])',
      'context.kind == "y" (one of ["x", "y"])',
    ]);
  });
});

describe('entity uids named in scopes or conditions', () => {
  it('reads ==, in and is-in scopes, and == and in (one uid or a set) in conditions', () => {
    const text =
      'permit (principal is App::User in App::Group::"m", action, resource == App::Issue::"i") ' +
      'when { principal in [App::Group::"a", App::Group::"b"] || principal == App::User::"x" };';
    const uid = (id: string, type = 'App::Group') => ({ type, id });
    expect(factsOf(text)).toEqual([
      { kind: 'uid', variable: 'principal', relation: 'in', uid: uid('m'), types: ['App::User'] },
      { kind: 'uid', variable: 'resource', relation: '==', uid: uid('i', 'App::Issue'), types: 'any' },
      { kind: 'uid', variable: 'principal', relation: 'in', uid: uid('a'), types: 'any' },
      { kind: 'uid', variable: 'principal', relation: 'in', uid: uid('b'), types: 'any' },
      { kind: 'uid', variable: 'principal', relation: '==', uid: uid('x', 'App::User'), types: 'any' },
    ]);
  });

  it('reads an entity literal compared with an attribute as a value of that attribute', () => {
    expect(factsOf(when('resource.owner == App::User::"x"'))).toEqual([
      { kind: 'equals', target: { variable: 'resource', attr: 'owner' }, value: { __entity: { type: 'App::User', id: 'x' } } },
    ]);
  });

  it("reads a template's slots as the uids of the link it is given", () => {
    const answer = templateToJson('permit (principal in ?principal, action, resource == ?resource);');
    if (answer.type !== 'success') throw new Error('the template does not parse');
    const facts = readPolicyFacts(answer.json, { principal: { type: 'App::Group', id: 'g' }, resource: { type: 'App::Issue', id: 'i' } });
    expect(facts?.facts).toEqual([
      { kind: 'uid', variable: 'principal', relation: 'in', uid: { type: 'App::Group', id: 'g' }, types: 'any' },
      { kind: 'uid', variable: 'resource', relation: '==', uid: { type: 'App::Issue', id: 'i' }, types: 'any' },
    ]);
  });
});

describe('optional attributes', () => {
  it('reads has, and probes the attribute present (with a value the policy names) and absent', () => {
    const probes = probesOf(factsOf(when('context has approverId && context.approverId != ""')));
    expect(probes.map((probe) => (probe.kind === 'attribute' ? [probe.detail, probe.change] : []))).toEqual([
      ['context has approverId', { kind: 'present', value: '' }],
      ['!(context has approverId)', { kind: 'absent' }],
      ['context.approverId == ""', { kind: 'set', value: '' }],
      ['context.approverId != "" ("-other")', { kind: 'set', value: '-other' }],
    ]);
  });
});

describe('the action scope', () => {
  const [schemaFile] = fixtureSources('research-archive').schemaFiles;
  const schema = schemaFile ? loadSchema(schemaFile).schema : undefined;

  it('covers the members of an action group, not the group, and every action a request can name for an unscoped policy', () => {
    if (!schema) throw new Error('the research-archive schema does not load');
    const answer = policyToJson('permit (principal, action in Archive::Action::"readers", resource);');
    const scope = answer.type === 'success' ? readPolicyFacts(answer.json)?.actions : undefined;
    expect({
      readers: scope ? actionsInScope(scope, schema) : [],
      all: actionsInScope({ kind: 'all' }, schema).length,
    }).toEqual({ readers: ['DownloadDataset', 'ReadDataset'], all: schema.actions.size - 1 });
  });
});
