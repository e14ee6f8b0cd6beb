// Runs `npm run import` in this process, as its CLI does (runCommand with IMPORT_COMMAND), and captures what it prints.
import { runCommand } from '../../../common/cli/command-line.js';
import { IMPORT_COMMAND, runImport } from '../../../scripts/import/command.js';

export interface ImportRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runImportCommand(argv: readonly string[]): Promise<ImportRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io = { stdout: (text: string) => stdout.push(text), stderr: (text: string) => stderr.push(text) };
  const exitCode = await runCommand(IMPORT_COMMAND, argv, (args) => runImport(args, io), io);
  return { exitCode, stdout: stdout.join(''), stderr: stderr.join('') };
}

/** The SDK's default chain reads these first: fixed values keep it from looking for real credentials. */
export function useLocalCredentials(): () => void {
  const saved = { id: process.env['AWS_ACCESS_KEY_ID'], secret: process.env['AWS_SECRET_ACCESS_KEY'] };
  process.env['AWS_ACCESS_KEY_ID'] = 'LOCALAVPACCESSKEY';
  process.env['AWS_SECRET_ACCESS_KEY'] = 'local-avp-secret';
  return () => {
    restore('AWS_ACCESS_KEY_ID', saved.id);
    restore('AWS_SECRET_ACCESS_KEY', saved.secret);
  };
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
