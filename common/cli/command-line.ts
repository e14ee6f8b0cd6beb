// One way to read a command line for every CLI of the toolkit: node's parseArgs, `--help`/`-h` added to every
// command, an empty value refused, and each mistake a UsageError that runCli prints with the usage (exit 2).
import { parseArgs } from 'node:util';
import { closestMatch } from '../did-you-mean.js';

type OptionSpec = { readonly type: 'string' | 'boolean'; readonly multiple?: boolean; readonly short?: string };
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

type OptionValue<S extends OptionSpec> = S['type'] extends 'string'
  ? S['multiple'] extends true
    ? string[]
    : string
  : S['multiple'] extends true
    ? boolean[]
    : boolean;

/** The parsed options: each one absent (undefined) or present with its value. */
export type OptionValues<O extends OptionSpecs> = { -readonly [K in keyof O]?: OptionValue<O[K]> };

export interface CommandSpec<O extends OptionSpecs> {
  /** How the command is typed, e.g. `npm run validate --`: named in messages. */
  readonly command: string;
  readonly usage: string;
  readonly options: O;
  /** How many positional arguments the command takes. @default none */
  readonly positionals?: { readonly min: number; readonly max: number };
}

export type CommandLine<O extends OptionSpecs> =
  | { readonly kind: 'help' }
  | { readonly kind: 'run'; readonly values: OptionValues<O>; readonly positionals: readonly string[] };

/** A command line the command cannot run: printed with the usage, exit code 2. */
export class UsageError extends Error {
  readonly code = 'USAGE';
}

/** Parses `argv` against `spec`; throws UsageError for an unknown option, a missing or empty value, or a wrong count of positionals. */
export function parseCommandLine<O extends OptionSpecs>(spec: CommandSpec<O>, argv: readonly string[]): CommandLine<O> {
  // `--help` wins over any mistake next to it: a user asking for help gets it.
  const beforeSeparator = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  if (beforeSeparator.includes('--help') || beforeSeparator.includes('-h')) return { kind: 'help' };
  const options = { ...spec.options, help: { type: 'boolean', short: 'h' } } as const;
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(explainParseFailure(error, Object.keys(spec.options)), { cause: error });
  }
  if (parsed.values['help'] === true) return { kind: 'help' };
  for (const [name, value] of Object.entries(parsed.values)) {
    const values = Array.isArray(value) ? value : [value];
    if (values.some((item) => item === '')) throw new UsageError(`--${name} needs a value`);
  }
  const { min, max } = spec.positionals ?? { min: 0, max: 0 };
  const count = parsed.positionals.length;
  if (count > max) throw new UsageError(`unexpected argument "${parsed.positionals[max]}"`);
  if (count < min) throw new UsageError(`${min - count} argument${min - count === 1 ? '' : 's'} missing`);
  return { kind: 'run', values: parsed.values as OptionValues<O>, positionals: parsed.positionals };
}

/** node's messages, with a did-you-mean for a misspelled option. */
function explainParseFailure(error: unknown, known: readonly string[]): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /^Unknown option '--?([^']+)'/.exec(message);
  if (!unknown?.[1]) return message.replace(/\. To specify a positional argument.*$/s, '');
  const suggestion = closestMatch(unknown[1], known);
  return `unknown option --${unknown[1]}${suggestion === undefined ? '' : `; did you mean --${suggestion}?`}`;
}

/** An error whose message is already written for the user: printed as `<command>: <message>`, with its exit code. */
export class CommandFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 1,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const PROCESS_IO: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * Runs a command: `--help` prints the usage and exits 0, a UsageError exits 2 with the usage, any other error
 * prints its message (never a stack trace) and exits 1 (or a CommandFailure's own code).
 */
export async function runCommand<O extends OptionSpecs>(
  spec: CommandSpec<O>,
  argv: readonly string[],
  main: (args: { readonly values: OptionValues<O>; readonly positionals: readonly string[] }) => number | Promise<number>,
  io: CliIo = PROCESS_IO,
): Promise<number> {
  try {
    const line = parseCommandLine(spec, argv);
    if (line.kind === 'help') {
      io.stdout(`${spec.usage}\n`);
      return 0;
    }
    return await main(line);
  } catch (error) {
    const name = spec.command.replace(/ --$/, '');
    if (error instanceof UsageError) {
      io.stderr(`${name}: ${error.message}\n${spec.usage}\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`${name}: ${message}\n`);
    return error instanceof CommandFailure ? error.exitCode : 1;
  }
}

/** The entry point of a CLI file: runs the command on process.argv and sets the exit code. */
export function runCli<O extends OptionSpecs>(
  spec: CommandSpec<O>,
  main: (args: { readonly values: OptionValues<O>; readonly positionals: readonly string[] }) => number | Promise<number>,
): void {
  void runCommand(spec, process.argv.slice(2), main).then((code) => {
    process.exitCode = code;
  });
}
