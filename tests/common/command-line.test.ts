// Every CLI of the toolkit reads its command line through common/cli/command-line.ts: these are its rules.
import { describe, expect, it } from 'vitest';
import { CommandFailure, parseCommandLine, runCommand, UsageError, type CliIo } from '../../common/cli/command-line.js';

const SPEC = {
  command: 'npm run demo --',
  usage: 'usage: npm run demo -- <mode> [--root <dir>] [--check]',
  options: { root: { type: 'string' }, check: { type: 'boolean' }, header: { type: 'string', multiple: true } },
  positionals: { min: 1, max: 1 },
} as const;

function capture(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (text) => out.push(text), stderr: (text) => err.push(text) };
}

describe('parseCommandLine', () => {
  it('returns the options and positionals of a well-formed command line', () => {
    expect(parseCommandLine(SPEC, ['customer', '--root', '/tmp/x', '--check', '--header', 'a', '--header', 'b'])).toEqual({
      kind: 'run',
      values: { root: '/tmp/x', check: true, header: ['a', 'b'] },
      positionals: ['customer'],
    });
  });

  it('answers --help and -h before checking anything else', () => {
    expect(parseCommandLine(SPEC, ['--help'])).toEqual({ kind: 'help' });
    expect(parseCommandLine(SPEC, ['-h', '--nonsense'])).toEqual({ kind: 'help' });
  });

  it('suggests the closest option for a misspelled one', () => {
    expect(() => parseCommandLine(SPEC, ['customer', '--rot', 'x'])).toThrow(new UsageError('unknown option --rot; did you mean --root?'));
  });

  it('refuses an empty value', () => {
    expect(() => parseCommandLine(SPEC, ['customer', '--root', ''])).toThrow(new UsageError('--root needs a value'));
  });

  it('refuses too many and too few positionals', () => {
    expect(() => parseCommandLine(SPEC, ['a', 'b'])).toThrow(new UsageError('unexpected argument "b"'));
    expect(() => parseCommandLine(SPEC, [])).toThrow(new UsageError('1 argument missing'));
  });
});

describe('runCommand', () => {
  it('prints the usage on stdout and exits 0 for --help, without running the command', async () => {
    const io = capture();
    let ran = false;
    const code = await runCommand(
      SPEC,
      ['--help'],
      () => {
        ran = true;
        return 0;
      },
      io,
    );
    expect({ code, ran, out: io.out.join(''), err: io.err.join('') }).toEqual({ code: 0, ran: false, out: `${SPEC.usage}\n`, err: '' });
  });

  it('prints a usage error with the usage on stderr and exits 2', async () => {
    const io = capture();
    const code = await runCommand(SPEC, ['a', '--check=1'], () => 0, io);
    expect({ code, err: io.err.join('') }).toEqual({
      code: 2,
      err: `npm run demo: Option '--check' does not take an argument\n${SPEC.usage}\n`,
    });
  });

  it('prints a failure as "<command>: <message>" with no stack trace, and exits with its code', async () => {
    const io = capture();
    const code = await runCommand(
      SPEC,
      ['a'],
      () => {
        throw new CommandFailure('no mode named a', 3);
      },
      io,
    );
    expect({ code, err: io.err.join('') }).toEqual({ code: 3, err: 'npm run demo: no mode named a\n' });
  });

  it('exits 1 for an unexpected error, still without a stack trace', async () => {
    const io = capture();
    const code = await runCommand(
      SPEC,
      ['a'],
      async () => {
        throw new TypeError('boom');
      },
      io,
    );
    expect({ code, err: io.err.join('') }).toEqual({ code: 1, err: 'npm run demo: boom\n' });
  });
});
