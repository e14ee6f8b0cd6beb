// The text trace: token, claims → principal, route → action and resource, entities loaded, decision and its policies.
import type { EntityJson, TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';
import { entityKey } from '../../runtime/entities/entity-store.js';
import type { ExplainTrace } from './run-explain.js';

const LABEL_WIDTH = 12;

export function formatTrace(trace: ExplainTrace): string {
  const { model, token, routed, explanation } = trace;
  const { config: mode } = model;
  const { request } = explanation;
  const lines: string[] = [];
  const line = (label: string, text: string) => lines.push(`${label.padEnd(LABEL_WIDTH)}${text}`);
  const more = (text: string) => lines.push(`${' '.repeat(LABEL_WIDTH)}${text}`);

  line(
    'mode',
    `${mode.name}: ${mode.api.type} API, ${mode.api.authorizer} authorizer (${model.handler.factory}), ${mode.engine.kind} engine`,
  );
  line('token', `${token.origin}${tokenSummary(token.header, token.claims)}`);
  line('claims', token.claims ? JSON.stringify(token.claims) : '(not a readable JWT)');
  more(`→ principal ${uid(request.principal)}`);
  const { method, path, rawQuery } = routed.request;
  const query = rawQuery !== '' ? `?${rawQuery}` : '';
  const parameters = Object.entries(routed.pathParameters).map(([name, value]) => `${name}=${value}`);
  if (routed.route.kind === 'connect') line('route', `${routed.route.routeKey}${query}`);
  else line('route', `${method} ${path}${query} → ${routed.route.key}${parameters.length > 0 ? ` (${parameters.join(', ')})` : ''}`);
  more(`→ action ${uid(request.action)}`);
  more(`→ resource ${uid(request.resource)}`);
  line('context', request.context ? JSON.stringify(request.context) : '(not reached)');
  line(
    'entities',
    `${explanation.entities.length} ${trace.engineInputSeen ? 'given to the engine' : 'read from the entity store'} ` +
      `(store seeded from ${trace.seededFrom})`,
  );
  for (const entity of explanation.entities) more(entityLine(entity));
  for (const missing of trace.missingEntities) more(`${missing} not in the store`);
  line('decision', explanation.decision.toUpperCase());
  more(`determining policies: ${explanation.determiningPolicies.length > 0 ? explanation.determiningPolicies.join(', ') : '(none)'}`);
  more(`reason: ${explanation.reason}`);
  for (const error of explanation.errors) more(`error: ${error}`);
  return `${lines.join('\n')}\n`;
}

function tokenSummary(
  header: Readonly<Record<string, unknown>> | undefined,
  claims: Readonly<Record<string, unknown>> | undefined,
): string {
  if (!header || !claims) return '';
  const parts = [`${String(header['alg'])} kid ${String(header['kid'])}`];
  if (typeof claims['iss'] === 'string') parts.push(`iss ${claims['iss']}`);
  if (typeof claims['exp'] === 'number') parts.push(`expires ${new Date(claims['exp'] * 1000).toISOString()}`);
  return `; ${parts.join(', ')}`;
}

function uid(value: TypeAndId | null): string {
  return value ? entityKey(value) : '(not reached)';
}

function entityLine(entity: EntityJson): string {
  const own = '__entity' in entity.uid ? entity.uid.__entity : entity.uid;
  const parents = entity.parents.map((parent) => entityKey('__entity' in parent ? parent.__entity : parent));
  const tags = entity.tags && Object.keys(entity.tags).length > 0 ? ` tags ${JSON.stringify(entity.tags)}` : '';
  return `${entityKey(own)} attrs ${JSON.stringify(entity.attrs)} parents [${parents.join(', ')}]${tags}`;
}
