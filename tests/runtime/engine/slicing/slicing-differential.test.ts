// Differential property: a request decided on its slice gets the decision, determining policies and errors of the whole set.
import { preparsePolicySet, preparseSchema, schemaToJson, statefulIsAuthorized, type TemplateLink } from '@cedar-policy/cedar-wasm/nodejs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readActionHierarchy } from '../../../../runtime/engine/slicing/action-hierarchy.js';
import { PolicySlicer } from '../../../../runtime/engine/slicing/policy-slicer.js';
import { SCHEMA_TEXT, type SliceRequestCase, type SliceWorld, worldArb } from './slicing-world.js';

const SEED = 20_261_207;
const WORLDS = 250;
const REQUESTS_PER_WORLD = 16;

const SCHEMA_NAME = 'slicing-differential-schema';
const schemaParsed = preparseSchema(SCHEMA_NAME, SCHEMA_TEXT);
const schemaJson = schemaToJson(SCHEMA_TEXT);

interface Answer {
  readonly outcome: string;
  readonly determining: readonly string[];
  readonly errors: readonly string[];
}

const tally = { requests: 0, allows: 0, forbids: 0, withErrors: 0, refused: 0, linkDetermined: 0 };
let worldNumber = 0;

function decide(policySetId: string, world: SliceWorld, request: SliceRequestCase): Answer {
  const answer = statefulIsAuthorized({
    principal: request.principal,
    action: request.action,
    resource: request.resource,
    context: { ...request.context },
    entities: world.entities.filter((_, i) => !request.dropped.includes(i)),
    preparsedPolicySetId: policySetId,
    ...(request.withSchema ? { preparsedSchemaName: SCHEMA_NAME, validateRequest: true } : {}),
  });
  if (answer.type === 'failure') return { outcome: 'refused', determining: [], errors: answer.errors.map((e) => e.message).sort() };
  const { decision, diagnostics } = answer.response;
  return {
    outcome: decision,
    determining: [...diagnostics.reason].sort(),
    errors: diagnostics.errors.map((e) => `${e.policyId}: ${e.error.message}`).sort(),
  };
}

/** The whole set, as the engine preparsed it before slicing: the oracle. */
function preparseWhole(id: string, world: SliceWorld): void {
  const templateLinks: TemplateLink[] = world.links.map((link) => {
    const text = world.templates[link.templateId] ?? '';
    return {
      templateId: link.templateId,
      newId: link.id,
      values: {
        ...(text.includes('?principal') ? { '?principal': link.principal } : {}),
        ...(text.includes('?resource') ? { '?resource': link.resource } : {}),
      },
    };
  });
  const parsed = preparsePolicySet(id, { staticPolicies: world.staticPolicies, templates: world.templates, templateLinks });
  if (parsed.type === 'failure') throw new Error(`the generated world does not parse: ${parsed.errors.map((e) => e.message).join('; ')}`);
}

function disagreements(world: SliceWorld): string[] {
  const number = worldNumber++;
  const wholeId = `slicing-differential/whole#${number}`;
  preparseWhole(wholeId, world);
  // A tiny cache, so slices are evicted and their registry ids reused while the property runs.
  const slicer = new PolicySlicer({
    baseId: `slicing-differential/slices#${number}`,
    staticPolicies: world.staticPolicies,
    templates: world.templates,
    actions: readActionHierarchy(schemaJson.type === 'success' ? schemaJson.json : undefined),
    bounds: { entries: 3, bytes: 2_000 },
  });
  const found: string[] = [];
  for (const request of world.requests) {
    const whole = decide(wholeId, world, request);
    const entities = world.entities.filter((_, i) => !request.dropped.includes(i));
    const sliced = decide(slicer.policySetId({ ...request, entities }, world.links), world, request);
    tally.requests++;
    if (whole.outcome === 'allow') tally.allows++;
    if (whole.outcome === 'deny' && whole.determining.length > 0) tally.forbids++;
    if (whole.errors.length > 0) tally.withErrors++;
    if (whole.outcome === 'refused') tally.refused++;
    if (whole.determining.some((id) => id.startsWith('l'))) tally.linkDetermined++;
    if (JSON.stringify(sliced) !== JSON.stringify(whole)) {
      found.push(`request ${JSON.stringify(request)}\n  whole set: ${JSON.stringify(whole)}\n  its slice: ${JSON.stringify(sliced)}`);
    }
  }
  preparsePolicySet(wholeId, {});
  return found;
}

describe('policy slicing', () => {
  it(`decides ${WORLDS * REQUESTS_PER_WORLD} random requests on their slices exactly as on the whole set: decision, determining ` +
    `policies, errors (seed ${SEED})`, () => {
    expect(schemaParsed.type).toBe('success');

    fc.assert(
      fc.property(worldArb(REQUESTS_PER_WORLD), (world) => {
        const found = disagreements(world);
        if (found.length > 0) {
          throw new Error(`${found.length} disagreement(s) in the world\n${JSON.stringify(world, null, 1)}\n${found.join('\n')}`);
        }
      }),
      { seed: SEED, numRuns: WORLDS, endOnFailure: true },
    );

    expect(tally.requests).toBe(WORLDS * REQUESTS_PER_WORLD);
  }, 120_000);

  // Runs after the property: a generator that stopped reaching an outcome would make the agreement above hollow.
  it('reached allows, forbids, evaluation errors, schema refusals and link-determined decisions', () => {
    const share = (count: number) => count / tally.requests;
    expect({
      allows: share(tally.allows) > 0.05,
      forbids: share(tally.forbids) > 0.03,
      withErrors: share(tally.withErrors) > 0.03,
      refused: tally.refused > 0,
      linkDetermined: share(tally.linkDetermined) > 0.02,
    }).toEqual({ allows: true, forbids: true, withErrors: true, refused: true, linkDetermined: true });
  });
});
