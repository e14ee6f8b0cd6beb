// The errors of the runtime-parity harness: under the policy-testing base class, one subclass per kind.
import { PolicyTestingError } from '../errors.js';

/** The project does not generate, so there is no mode to run the suites through. */
export class ParityProjectError extends PolicyTestingError {
  override readonly name = 'ParityProjectError';
}

/** A suite names a mode the generator did not build. */
export class ParityModeError extends PolicyTestingError {
  override readonly name = 'ParityModeError';
}

/** Seeding a table or a policy store on the loopback services failed: the harness, not the runtime, is broken. */
export class ParitySeedError extends PolicyTestingError {
  override readonly name = 'ParitySeedError';
}
