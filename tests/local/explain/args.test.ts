// The command line of `npm run explain`: what it accepts, and the usage error (exit code 2) for everything else.
import { describe, expect, it } from 'vitest';
import { parseExplainArgs, type ExplainCommand } from '../../../local/explain/args.js';
import { UsageError } from '../../../common/cli/command-line.js';
import { ExplainArgumentError } from '../../../local/explain/errors.js';

const CWD = '/work/project';
const ALICE_READS_ACCT_1 = ['--principal', 'alice', '--method', 'GET', '--path', '/accounts/acct-1'];

function usageErrorOf(argv: readonly string[]): ExplainArgumentError | UsageError | undefined {
  try {
    parseExplainArgs(argv, CWD);
    return undefined;
  } catch (error) {
    if (error instanceof ExplainArgumentError || error instanceof UsageError) return error;
    throw error;
  }
}

describe('parseExplainArgs', () => {
  it('reads a full request: mode, root relative to the working directory, identity, target, headers, query and format', () => {
    const command = parseExplainArgs(
      [
        '--mode',
        'customer',
        '--root',
        '../other',
        ...ALICE_READS_ACCT_1,
        '--header',
        'X-Payment-Amount:  100 ',
        '--query',
        'a=b c',
        '--entities',
        'e.json',
        '--format',
        'json',
      ],
      CWD,
    );

    expect(command).toEqual<ExplainCommand>({
      kind: 'explain',
      request: {
        mode: 'customer',
        root: '/work/other',
        identity: { kind: 'principal', name: 'alice' },
        target: { kind: 'http', method: 'GET', path: '/accounts/acct-1', rawQuery: 'a=b+c' },
        headers: [['X-Payment-Amount', '100']],
        entitiesFile: 'e.json',
        format: 'json',
      },
    });
  });

  it('joins a query string written in --path with the --query values', () => {
    const command = parseExplainArgs(['--mode', 'm', '--token', 't', '--method', 'get', '--path', '/x?a=1', '--query', 'b=2'], CWD);

    expect(command.kind === 'explain' ? command.request.target : undefined).toEqual({
      kind: 'http',
      method: 'GET',
      path: '/x',
      rawQuery: 'a=1&b=2',
    });
  });

  it('reads --connect with its query as a WebSocket $connect', () => {
    const command = parseExplainArgs(['--mode', 'm2m', '--principal', 'ledger', '--connect', '--query', 'accountId=acct-1'], CWD);

    expect(command.kind === 'explain' ? command.request.target : undefined).toEqual({ kind: 'connect', rawQuery: 'accountId=acct-1' });
  });

  it('answers help for --help, whatever else is given', () => {
    expect(parseExplainArgs(['--help', '--mode', 'x'], CWD)).toEqual({ kind: 'help' });
  });

  it.each([
    ['an unknown option', ['--mode', 'customer', '--bogus', ...ALICE_READS_ACCT_1], 'unknown option --bogus'],
    [
      'a misspelt option, with a suggestion',
      ['--mode', 'customer', '--principle', 'alice', '--method', 'GET', '--path', '/a'],
      'unknown option --principle; did you mean --principal?',
    ],
    ['a positional argument', ['--mode', 'customer', 'stray', ...ALICE_READS_ACCT_1], 'unexpected argument "stray"'],
    ['an empty --mode', ['--mode', '', ...ALICE_READS_ACCT_1], '--mode needs a value'],
  ])("refuses %s with the command-line reader's usage error (exit code 2, with the usage)", (_name, argv, message) => {
    const error = usageErrorOf(argv);

    expect({ isUsageError: error instanceof UsageError, message: error?.message }).toEqual({ isUsageError: true, message });
  });

  it.each([
    ['a missing --mode', ALICE_READS_ACCT_1, '--mode is required'],
    [
      'both --token and --claims',
      ['--mode', 'customer', '--token', 'x', '--claims', 'c.json', '--method', 'GET', '--path', '/a'],
      '--token and --claims exclude each other: give only one',
    ],
    [
      'all three identities',
      ['--mode', 'customer', '--token', 'x', '--claims', 'c.json', '--principal', 'p', '--connect'],
      '--token and --claims and --principal exclude each other: give only one',
    ],
    ['no identity', ['--mode', 'customer', '--method', 'GET', '--path', '/a'], 'say who asks: one of --token, --claims or --principal'],
    [
      '--method without --path',
      ['--mode', 'customer', '--principal', 'alice', '--method', 'GET'],
      'say what is asked: --method and --path together, or --connect',
    ],
    [
      '--connect with --path',
      ['--mode', 'm2m', '--principal', 'ledger', '--connect', '--path', '/a'],
      '--connect excludes --method and --path',
    ],
    [
      'a path without its leading slash',
      ['--mode', 'customer', '--principal', 'alice', '--method', 'GET', '--path', 'accounts'],
      '--path must start with "/": "accounts"',
    ],
    [
      'a header without a colon',
      ['--mode', 'customer', ...ALICE_READS_ACCT_1, '--header', 'X-Amount 100'],
      `--header takes 'Name: value', not "X-Amount 100"`,
    ],
    [
      'a query without =',
      ['--mode', 'customer', ...ALICE_READS_ACCT_1, '--query', 'accountId'],
      '--query takes name=value, not "accountId"',
    ],
    [
      'an unknown format',
      ['--mode', 'customer', ...ALICE_READS_ACCT_1, '--format', 'yaml'],
      'unknown --format "yaml"; use one of text, json',
    ],
  ])('refuses %s with an argument error (exit code 2, with the usage) that says what to fix', (_name, argv, message) => {
    const error = usageErrorOf(argv);

    expect({ isArgumentError: error instanceof ExplainArgumentError, message: error?.message }).toEqual({ isArgumentError: true, message });
  });
});
