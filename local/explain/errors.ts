// Errors of `npm run explain`: one base class, one subclass per kind; the CLI maps each to its exit code.
import type { Diagnostic } from '../../generator/diagnostics/diagnostic.js';

export class ExplainError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ExplainError';
  }
}

/** The command line is wrong: an unknown flag or mode, a missing or conflicting option, an unreadable file. Exit code 2. */
export class ExplainUsageError extends ExplainError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ExplainUsageError';
  }
}

/** The command line itself is malformed (an unknown option, a missing or conflicting one): the usage is printed too. */
export class ExplainArgumentError extends ExplainUsageError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ExplainArgumentError';
  }
}

/** The project does not validate, so there is no mode to explain. Exit code 1, with the diagnostics printed. */
export class InvalidProjectError extends ExplainError {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super('the policy repository does not validate; nothing was explained');
    this.name = 'InvalidProjectError';
  }
}

/** `error.message` of anything thrown, for messages that must never be a stack trace. */
export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
