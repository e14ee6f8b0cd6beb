import { policyToJson, templateToJson, type PolicyJson } from '@cedar-policy/cedar-wasm/nodejs';
import { describe, expect, it } from 'vitest';
import { derivePolicyId, filePrefix, uniqueId } from '../../policy-testing/derive-policy-id.js';

function scope(text: string): PolicyJson {
  const answer = text.includes('?') ? templateToJson(text) : policyToJson(text);
  if (answer.type === 'failure') throw new Error(answer.errors.map((e) => e.message).join('; '));
  return answer.json;
}

const idOf = (file: string, text: string): string => derivePolicyId({ file, policy: scope(text) });

describe('derivePolicyId', () => {
  it('names a policy by its file under policies/ and its effect, principal, action and resource', () => {
    const id = idOf(
      'policies/photos/sharing.cedar',
      'permit (principal == PhotoApp::User::"alice", action == PhotoApp::Action::"view", resource in PhotoApp::Album::"vacation");',
    );

    expect(id).toBe('photos.sharing.permit-user-alice-view-in-album-vacation');
  });

  it('names an unconstrained scope by its effect alone', () => {
    expect(idOf('policies/guardrails.cedar', 'forbid (principal, action, resource) unless { principal.active };')).toBe(
      'guardrails.forbid',
    );
  });

  it('spells camelCase, spaces and punctuation as lower-case words joined by dashes', () => {
    const id = idOf(
      'policies/Team Rules/photoSharing.cedar',
      'permit (principal in UserGroup::"Photo Admins", action == Action::"viewPhoto", resource is Photo);',
    );

    expect(id).toBe('team-rules.photo-sharing.permit-in-user-group-photo-admins-view-photo-photo');
  });

  it('lists each action of an action list, and names an `is ... in` constraint with its parent', () => {
    const id = idOf(
      'policies/a.cedar',
      'permit (principal is User, action in [Action::"edit", Action::"delete"], resource is Photo in Album::"x");',
    );

    expect(id).toBe('a.permit-user-edit-delete-photo-in-album-x');
  });

  it('names a template slot by its name', () => {
    const id = idOf('policies/share.cedar', 'permit (principal == ?principal, action in Action::"readers", resource in ?resource);');

    expect(id).toBe('share.permit-principal-in-readers-in-resource');
  });

  it('cuts a long scope at a word boundary, to at most 80 characters after the file prefix', () => {
    const id = idOf('policies/a.cedar', `permit (principal == User::"${'word-'.repeat(30)}end", action, resource);`);

    expect({ id, scopeLength: id.length - 'a.'.length }).toEqual({
      id: `a.permit-user-${'word-'.repeat(12)}word`,
      scopeLength: 76,
    });
  });

  it('gives the same id for the same file and scope, whatever the conditions or the layout', () => {
    const first = idOf('policies/a.cedar', 'permit (principal, action == Action::"view", resource) when { true };');
    const second = idOf('policies/a.cedar', 'permit (\n  principal,\n  action == Action::"view",\n  resource\n)\nunless { false };');

    expect(second).toBe(first);
  });
});

describe('filePrefix', () => {
  it('turns the path under policies/ into dotted words without the extension', () => {
    expect(filePrefix('policies/shared/guard_rails.cedar')).toBe('shared.guard-rails');
  });
});

describe('uniqueId', () => {
  it('keeps a free id and numbers a taken one from 2, skipping suffixes already taken', () => {
    const taken = new Set(['a.forbid', 'a.forbid-2']);

    expect([uniqueId('a.permit', taken), uniqueId('a.forbid', taken)]).toEqual(['a.permit', 'a.forbid-3']);
  });
});
