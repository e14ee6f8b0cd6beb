// Errors of the local environment's start: one base class, one subclass per kind; `npm start` prints the message as is.

export class LocalEnvironmentError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LocalEnvironmentError';
  }
}

/** A fixed port was taken by another process: names the component that wanted it and how to get free ports. */
export class PortInUseError extends LocalEnvironmentError {
  readonly code = 'PORT_IN_USE';
  constructor(
    readonly component: string,
    readonly port: number,
    options?: ErrorOptions,
  ) {
    super(`port ${port} (${component}) is already in use; stop what holds it, or use --port 0 (free ports for everything)`, options);
    this.name = 'PortInUseError';
  }
}

/** Runs a component's start; a listen failure on a taken port becomes a PortInUseError naming the component. */
export async function startComponent<T>(component: string, port: number, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if (isErrnoException(error) && error.code === 'EADDRINUSE') throw new PortInUseError(component, port, { cause: error });
    throw error;
  }
}

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}
