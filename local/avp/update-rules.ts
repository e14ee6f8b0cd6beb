// AVP's update rules: what UpdatePolicy and UpdatePolicyTemplate refuse to change in a stored policy or template.
//
// "You can't change the following elements: the effect (permit or forbid), the principal referenced by the policy, the
// resource referenced by the policy, a static policy into a template-linked one" (AVP API reference,
// UpdateStaticPolicyDefinition and UpdatePolicyTemplate; user guide, "Editing static policies"). The whole scope
// constraint counts, operator included: `principal == X` to `principal in X` is a principal change (AWS re:Post,
// "amazon verified permissions can't change == to in within policy template").
import { fixedScopeChanges, type DeployedKind } from '../../common/deploy-identity.js';
import { ValidationException } from './errors.js';

const PART_NAMES = {
  effect: 'the effect',
  principal: 'the principal referenced in the scope',
  resource: 'the resource referenced in the scope',
} as const;

/** Refuses, with AVP's ValidationException, a new statement whose effect, principal scope or resource scope differs. */
export function assertFixedScopeKept(input: { readonly before: string; readonly after: string; readonly kind: DeployedKind }): void {
  const changes = fixedScopeChanges(input.before, input.after, input.kind);
  if (changes.length === 0) return;
  const what = input.kind === 'policy' ? 'policy' : 'policy template';
  const names = changes.map((part) => PART_NAMES[part]);
  const listed = names.length === 1 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
  throw new ValidationException(
    `You can't change ${listed} of an existing ${what}. An update may change only the action and the conditions ` +
      `(when/unless): delete the ${what} and create it again with the new scope.`,
  );
}

export function staticToTemplateLinkedRefusal(): ValidationException {
  return new ValidationException(
    "You can't change a static policy into a template-linked policy: delete it and create a template-linked policy instead.",
  );
}

export function templateLinkedUpdateRefusal(): ValidationException {
  return new ValidationException(
    "You can't update a template-linked policy directly, nor change it into a static policy: update its policy template " +
      '(UpdatePolicyTemplate), or delete it and create a static policy.',
  );
}
