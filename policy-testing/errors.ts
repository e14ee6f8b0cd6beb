// The errors of the policy-testing tools and the runtime-parity harness: one base class, one subclass per kind.

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

/** Runtime parity: the project does not generate, so there is no mode to run the suites through. */
export class ParityProjectError extends PolicyTestingError {
  override readonly name = 'ParityProjectError';
}

/** Runtime parity: a suite names a mode the generator did not build. */
export class ParityModeError extends PolicyTestingError {
  override readonly name = 'ParityModeError';
}

/** Runtime parity: seeding a table or a policy store on the loopback services failed; the harness, not the runtime, is broken. */
export class ParitySeedError extends PolicyTestingError {
  override readonly name = 'ParitySeedError';
}

/** A Cedar CLI run-tests file (or folder of them) that cannot be imported: each problem names the file and JSON path. */
export class CedarCliInputError extends PolicyTestingError {
  override readonly name = 'CedarCliInputError';
}

/** Replay: the --log path is missing, or names a folder with no files. */
export class ReplayInputError extends PolicyTestingError {
  override readonly name = 'ReplayInputError';
}
