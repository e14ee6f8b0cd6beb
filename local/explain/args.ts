// The command line of `npm run explain`, read into a request; nothing is read, started or decided here.
import { resolve } from 'node:path';
import { parseCommandLine, type CommandSpec, type OptionSpecs, type OptionValues } from '../../common/cli/command-line.js';
import { ExplainArgumentError } from './errors.js';

export const EXPLAIN_USAGE = `usage: npm run -s explain -- --mode <name> [--root <dir>]
           (--token <jwt> | --claims <file.json> | --principal <demo principal>)
           (--method <M> --path <P> | --connect) [--header 'Name: value']... [--query name=value]...
           [--entities <cedar entities .json>] [--format text|json]
Shows what the mode's real authorizer decides for one request, and why. Exit code 0 whatever the decision,
1 when the project does not validate, 2 on a usage error.
  --token       a JWT, used as is (it verifies only if the local development keys signed it)
  --claims      a JSON object of claims; iss, aud or client_id, token_use, iat and exp are filled in for the mode
  --principal   a demo principal of the mode, from local/demo/seed.yaml
  --entities    a Cedar entities JSON array that replaces the demo world's entities in the entity store
  --root        the project root (default: the current directory)`;

export const EXPLAIN_FORMATS = ['text', 'json'] as const;
export type ExplainFormat = (typeof EXPLAIN_FORMATS)[number];

/** Who asks: a ready token, claims to sign, or a demo principal to mint a token for. */
export type IdentityInput =
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'claims'; readonly file: string }
  | { readonly kind: 'principal'; readonly name: string };

/** What is asked for: an HTTP request or a WebSocket `$connect`. */
export type TargetInput =
  | { readonly kind: 'http'; readonly method: string; readonly path: string; readonly rawQuery: string }
  | { readonly kind: 'connect'; readonly rawQuery: string };

export interface ExplainRequest {
  readonly mode: string;
  readonly root: string;
  readonly identity: IdentityInput;
  readonly target: TargetInput;
  /** In command-line order; a later value for the same name wins, as in a header record. */
  readonly headers: readonly (readonly [name: string, value: string])[];
  readonly entitiesFile?: string;
  readonly format: ExplainFormat;
}

export const EXPLAIN_COMMAND = {
  command: 'explain',
  usage: EXPLAIN_USAGE,
  options: {
    mode: { type: 'string' },
    root: { type: 'string' },
    token: { type: 'string' },
    claims: { type: 'string' },
    principal: { type: 'string' },
    method: { type: 'string' },
    path: { type: 'string' },
    connect: { type: 'boolean' },
    header: { type: 'string', multiple: true },
    query: { type: 'string', multiple: true },
    entities: { type: 'string' },
    format: { type: 'string' },
  },
} as const satisfies CommandSpec<OptionSpecs>;

export type ExplainCommand = { readonly kind: 'help' } | { readonly kind: 'explain'; readonly request: ExplainRequest };

/**
 * `argv` read as `npm run explain` reads it, for callers holding a command line rather than runCli's parse. Throws
 * UsageError for what the command-line reader refuses, ExplainArgumentError for the rest.
 */
export function parseExplainArgs(argv: readonly string[], cwd: string): ExplainCommand {
  const line = parseCommandLine(EXPLAIN_COMMAND, argv);
  return line.kind === 'help' ? line : { kind: 'explain', request: explainRequestOf(line.values, cwd) };
}

/** The options as runCli parsed them, read into a request; throws ExplainArgumentError for anything malformed. */
export function explainRequestOf(values: OptionValues<typeof EXPLAIN_COMMAND.options>, cwd: string): ExplainRequest {
  if (values.mode === undefined) throw new ExplainArgumentError('--mode is required');
  const format = values.format ?? 'text';
  if (!isFormat(format)) throw new ExplainArgumentError(`unknown --format "${format}"; use one of ${EXPLAIN_FORMATS.join(', ')}`);

  const queryPairs = (values.query ?? []).map(queryPair);
  return {
    mode: values.mode,
    root: resolve(cwd, values.root ?? '.'),
    identity: identityOf(values),
    target: targetOf(values, queryPairs),
    headers: (values.header ?? []).map(headerPair),
    ...(values.entities !== undefined ? { entitiesFile: values.entities } : {}),
    format,
  };
}

function identityOf(values: { token?: string; claims?: string; principal?: string }): IdentityInput {
  const given = (['token', 'claims', 'principal'] as const).filter((name) => values[name] !== undefined);
  if (given.length === 0) throw new ExplainArgumentError('say who asks: one of --token, --claims or --principal');
  if (given.length > 1) throw new ExplainArgumentError(`--${given.join(' and --')} exclude each other: give only one`);
  if (values.token !== undefined) return { kind: 'token', token: values.token };
  if (values.claims !== undefined) return { kind: 'claims', file: values.claims };
  return { kind: 'principal', name: values.principal ?? '' };
}

function targetOf(values: { method?: string; path?: string; connect?: boolean }, query: readonly string[]): TargetInput {
  if (values.connect) {
    if (values.method !== undefined || values.path !== undefined) throw new ExplainArgumentError('--connect excludes --method and --path');
    return { kind: 'connect', rawQuery: query.join('&') };
  }
  if (values.method === undefined || values.path === undefined) {
    throw new ExplainArgumentError('say what is asked: --method and --path together, or --connect');
  }
  if (!values.path.startsWith('/')) throw new ExplainArgumentError(`--path must start with "/": "${values.path}"`);
  // A query string written into --path joins the --query values, as a client would send both.
  const [path = '', inline = ''] = splitOnce(values.path, '?');
  return { kind: 'http', method: values.method.toUpperCase(), path, rawQuery: [inline, ...query].filter((part) => part !== '').join('&') };
}

function headerPair(text: string): [string, string] {
  const [name = '', value] = splitOnce(text, ':');
  if (value === undefined || name.trim() === '') throw new ExplainArgumentError(`--header takes 'Name: value', not "${text}"`);
  return [name.trim(), value.trim()];
}

/** `name=value`, percent-encoded as it travels in a query string. */
function queryPair(text: string): string {
  const [name = '', value] = splitOnce(text, '=');
  if (value === undefined || name === '') throw new ExplainArgumentError(`--query takes name=value, not "${text}"`);
  return new URLSearchParams([[name, value]]).toString();
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)];
}

function isFormat(value: string): value is ExplainFormat {
  return (EXPLAIN_FORMATS as readonly string[]).includes(value);
}
