// The errors of the policy-testing tools: one base class, one subclass per kind, each with its own `name`.

export abstract class PolicyTestingError extends Error {}

/** A git command failed: an unknown revision, a path missing at that revision, or no repository at all. */
export class GitRevisionError extends PolicyTestingError {
  override readonly name = 'GitRevisionError';
}

/** cedar-wasm refused a policy set or a schema while preparsing it, so nothing can be evaluated with it. */
export class PolicySetError extends PolicyTestingError {
  override readonly name = 'PolicySetError';
}

/** A value in a fixture, case or typed request cannot be expressed as Cedar JSON. */
export class CedarValueError extends PolicyTestingError {
  override readonly name = 'CedarValueError';
}

/** A typed request names a mode that has no mode file, or whose policies do not load. */
export class UnknownModeError extends PolicyTestingError {
  override readonly name = 'UnknownModeError';
}
