// Errors of `npm run deploy`: one base class, one subclass per kind; the CLI maps them to exit codes.

export class DeployError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DeployError';
  }
}

/** The command line is malformed: a missing mode, an unknown option, a stray argument. Exit code 2. */
export class DeployUsageError extends DeployError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DeployUsageError';
  }
}

/** The mode named has no file in modes/. Exit code 2. */
export class UnknownModeError extends DeployUsageError {
  constructor(
    readonly mode: string,
    readonly knownModes: readonly string[],
    readonly suggestion?: string,
  ) {
    super(
      `unknown mode "${mode}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}: ` +
        `expected one of ${knownModes.join(', ')}, the files in modes/`,
    );
    this.name = 'UnknownModeError';
  }
}

/** The mode has a file in modes/ but no generated/<mode>/: its tenancy, and so its steps, are unknown. Exit code 1. */
export class ModeNotGeneratedError extends DeployError {
  readonly code = 'MODE_NOT_GENERATED';

  constructor(readonly mode: string) {
    super(`mode "${mode}" has a file in modes/ but no generated/${mode}/; run npm run generate, commit generated/, and deploy again`);
    this.name = 'ModeNotGeneratedError';
  }
}

/** A step ended with a non-zero status; later steps were not run. Exit code 1. */
export class DeployStepError extends DeployError {
  constructor(
    readonly step: string,
    readonly status: number | null,
    options?: ErrorOptions,
  ) {
    super(`step "${step}" failed (${status === null ? 'killed by a signal' : `exit code ${status}`}); nothing after it ran`, options);
    this.name = 'DeployStepError';
  }
}
