// Errors of `npm run new-mode`: one base class, one subclass per kind; the CLI prints the message and exits 1.

export class NewModeError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NewModeError';
  }
}

/** modes/<name>.yaml is already there: a mode is never overwritten. */
export class ModeExistsError extends NewModeError {
  constructor(readonly path: string) {
    super(`${path} already exists; nothing was written (choose another name, or edit that file)`);
    this.name = 'ModeExistsError';
  }
}

/** The project's schema or policies are missing or do not load, so there is nothing to draw the example from. */
export class DomainUnreadableError extends NewModeError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DomainUnreadableError';
  }
}

/** No action of the schema has both a principal type and a resource type, so no route can name one. */
export class NoRoutableActionError extends NewModeError {
  constructor(readonly schemaPath: string) {
    super(`${schemaPath} has no action that applies to a principal and a resource type; give one an \`appliesTo\``);
    this.name = 'NoRoutableActionError';
  }
}

/** The drafted mode fails validation: a bug of new-mode itself, reported instead of writing a broken file. */
export class DraftInvalidError extends NewModeError {
  constructor(readonly findings: readonly string[]) {
    super(`the drafted mode does not validate, so nothing was written:\n${findings.join('\n')}`);
    this.name = 'DraftInvalidError';
  }
}
