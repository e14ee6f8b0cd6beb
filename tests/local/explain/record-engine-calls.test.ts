// What explain shows for every engine: each request exactly as the runtime handed it to its engine, with the answer.
import { schemaToJson } from '@cedar-policy/cedar-wasm/nodejs';
import { describe, expect, it } from 'vitest';
import { recordEngineCalls } from '../../../local/explain/record-engine-calls.js';
import { createLocalEngine } from '../../../runtime/engine/local-engine.js';
import type { AuthorizationRequest } from '../../../runtime/index.js';

const SCHEMA = `namespace Shop {
  entity Clerk { desk: ipaddr };
  entity Till;
  action Open appliesTo { principal: Clerk, resource: Till, context: { from: ipaddr } };
}`;
const schema = schemaToJson(SCHEMA);
if (schema.type === 'failure') throw new Error('the test schema does not parse');
const engine = createLocalEngine({
  mode: 'shop',
  namespace: 'Shop',
  schema: schema.json as Record<string, unknown>,
  policies: {
    'shop.open-from-own-desk': 'permit (principal, action == Shop::Action::"Open", resource) when { context.from == principal.desk };',
  },
  templates: {},
});
const request: AuthorizationRequest = {
  principal: { type: 'Shop::Clerk', id: 'kim' },
  action: { type: 'Shop::Action', id: 'Open' },
  resource: { type: 'Shop::Till', id: 't1' },
  context: { from: { __extn: { fn: 'ip', arg: '10.0.0.7' } } },
  entities: [
    { uid: { type: 'Shop::Clerk', id: 'kim' }, attrs: { desk: { __extn: { fn: 'ip', arg: '10.0.0.7' } } }, parents: [] },
    { uid: { type: 'Shop::Till', id: 't1' }, attrs: {}, parents: [] },
  ],
};

describe('recordEngineCalls', () => {
  it('passes the decision through unchanged and records the request, context and entities with its errors', async () => {
    const recorder = recordEngineCalls();

    const decision = await recorder.wrap(engine).isAuthorized(request, {});

    expect(decision).toEqual({ decision: 'allow', determiningPolicies: ['shop.open-from-own-desk'], errors: [] });
    expect(recorder.calls).toEqual([{ ...request, errors: [] }]);
  });

  it('records a request the engine refused without errors, and passes the refusal on', async () => {
    const recorder = recordEngineCalls();
    const refused: AuthorizationRequest = { ...request, context: {} };

    await expect(recorder.wrap(engine).isAuthorized(refused, {})).rejects.toThrow(/context/);
    expect(recorder.calls).toEqual([refused]);
  });

  it('records one call per request of a batch, in order', async () => {
    const recorder = recordEngineCalls();
    const other: AuthorizationRequest = { ...request, context: { from: { __extn: { fn: 'ip', arg: '10.0.0.8' } } } };

    const decisions = await recorder.wrap(engine).isAuthorizedBatch([request, other], {});

    expect(decisions.map((d) => d.decision)).toEqual(['allow', 'deny']);
    expect(recorder.calls.map((call) => call.context)).toEqual([request.context, other.context]);
  });
});
