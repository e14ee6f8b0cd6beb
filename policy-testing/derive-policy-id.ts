// Derives a readable @id for a policy from its file and its scope: `photos/sharing.cedar` with
// `permit (principal == User::"alice", action == Action::"view", resource in Album::"trip")` becomes
// `photos.sharing.permit-user-alice-view-in-album-trip`. The id depends on nothing else (not the policy's position),
// so the same file and scope always give the same id.
import type {
  ActionConstraint,
  EntityUidJson,
  PolicyJson,
  PrincipalConstraint,
  ResourceConstraint,
  TypeAndId,
} from '@cedar-policy/cedar-wasm/nodejs';

/** Long ids are cut at a word boundary: a reader needs the gist, and CloudFormation logical ids have a limit. */
const MAX_SCOPE_LENGTH = 80;

export interface PolicyIdInputs {
  /** The file's path relative to the project root, such as `policies/photos/sharing.cedar`. */
  readonly file: string;
  readonly policy: Pick<PolicyJson, 'effect' | 'principal' | 'action' | 'resource'>;
}

export function derivePolicyId({ file, policy }: PolicyIdInputs): string {
  const scope = [
    policy.effect,
    ...describeEntityConstraint(policy.principal),
    ...describeAction(policy.action),
    ...describeEntityConstraint(policy.resource),
  ]
    .map(slug)
    .filter((part) => part !== '')
    .join('-');
  return `${filePrefix(file)}.${shorten(scope)}`;
}

/** `policies/photos/sharing.cedar` → `photos.sharing`. */
export function filePrefix(file: string): string {
  return file
    .replace(/^policies\//, '')
    .replace(/\.cedar$/, '')
    .split('/')
    .map(slug)
    .filter((part) => part !== '')
    .join('.');
}

/** The id itself when it is free, else the id with the first free `-2`, `-3`, … suffix. */
export function uniqueId(id: string, taken: ReadonlySet<string>): string {
  if (!taken.has(id)) return id;
  for (let n = 2; ; n++) {
    if (!taken.has(`${id}-${n}`)) return `${id}-${n}`;
  }
}

function describeEntityConstraint(constraint: PrincipalConstraint | ResourceConstraint): string[] {
  switch (constraint.op) {
    case 'All':
      return [];
    case '==':
      return 'slot' in constraint ? [slotName(constraint.slot)] : describeUid(constraint.entity);
    case 'in':
      return ['in', ...('slot' in constraint ? [slotName(constraint.slot)] : describeUid(constraint.entity))];
    case 'is': {
      const within = constraint.in;
      const tail = within === undefined ? [] : ['in', ...('slot' in within ? [slotName(within.slot)] : describeUid(within.entity))];
      return [localName(constraint.entity_type), ...tail];
    }
  }
}

/** Actions are named by their id alone: their type is always `Action`. */
function describeAction(constraint: ActionConstraint): string[] {
  switch (constraint.op) {
    case 'All':
      return [];
    case '==':
      return 'entity' in constraint ? [uidOf(constraint.entity).id] : [];
    case 'in':
      return 'entities' in constraint ? constraint.entities.map((entity) => uidOf(entity).id) : ['in', uidOf(constraint.entity).id];
  }
}

function describeUid(entity: EntityUidJson): string[] {
  const uid = uidOf(entity);
  return [localName(uid.type), uid.id];
}

function uidOf(entity: EntityUidJson): TypeAndId {
  return '__entity' in entity ? entity.__entity : entity;
}

/** `PhotoApp::UserGroup` → `UserGroup`: the namespace is the same for every policy of a project. */
function localName(type: string): string {
  return type.slice(type.lastIndexOf(':') + 1);
}

/** `?principal` → `principal`. */
function slotName(slot: string): string {
  return slot.replace(/^\?/, '');
}

/** `viewPhoto` → `view-photo`, `Jane Doe` → `jane-doe`: lower-case words joined by `-`. */
function slug(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function shorten(scope: string): string {
  if (scope.length <= MAX_SCOPE_LENGTH) return scope;
  const boundary = scope.lastIndexOf('-', MAX_SCOPE_LENGTH);
  return scope.slice(0, boundary > 0 ? boundary : MAX_SCOPE_LENGTH);
}
