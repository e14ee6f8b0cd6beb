// Runs `npm start` and friends as real processes for the CLI tests, and reads what `npm start` prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { REPO_ROOT } from '../../support/project-copy.js';
import { type FinishedRun, runAsync } from '../../support/run-tsx.js';

const READY_LINE = 'Ctrl-C (or SIGTERM) stops everything.';

/** Runs a command from the repository root to its end and collects what it printed. */
export function run(command: string, args: readonly string[]): Promise<FinishedRun> {
  return runAsync(command, args);
}

export interface StartedProcess {
  /** Everything printed to stdout so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** The printed gateway URL of a mode. */
  gatewayUrl(mode: string): string;
  /** Sends the signal and resolves with the exit code. */
  stop(signal: 'SIGTERM' | 'SIGINT'): Promise<number | null>;
  /** Only for a test that failed before stopping it: never leave the child listening. */
  kill(): Promise<void>;
}

/** `npm start` is `tsx local/cli/start.ts`; node --import tsx runs the same file without npm's and tsx's wrappers. */
export async function startProcess(args: readonly string[], timeoutMs: number): Promise<StartedProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'local/cli/start.ts', ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${READY_LINE}" within ${timeoutMs} ms\n${stdout}\n${stderr}`)), timeoutMs);
    child.stdout?.on('data', () => {
      if (stdout.includes(READY_LINE)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`start exited with ${code} before "${READY_LINE}"\n${stdout}\n${stderr}`));
    });
  });
  return {
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    gatewayUrl(mode) {
      const url = new RegExp(`^ {2}${mode} +\\S+ +\\S+ +(http://127\\.0\\.0\\.1:\\d+)$`, 'm').exec(stdout)?.[1];
      if (url === undefined) throw new Error(`no gateway URL for ${mode} in\n${stdout}`);
      return url;
    },
    stop(signal) {
      child.kill(signal);
      return exited;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

export interface PrintedExample {
  /** Absent for a `?` row: a request whose answer the domain's policies decide. */
  readonly expect?: number;
  readonly principal: string;
  readonly why: string;
  readonly command: string;
}

/** The `| expect | principal | why |` rows `npm start` prints, each followed by its indented curl command. */
export function printedExamples(stdout: string): PrintedExample[] {
  const lines = stdout.split('\n');
  const examples: PrintedExample[] = [];
  for (const [index, line] of lines.entries()) {
    const row = /^\| (\d{3}|\?) \| (\S+) \| (.+) \|$/.exec(line);
    if (!row?.[1] || !row[2] || !row[3]) continue;
    const command = lines.slice(index + 1).find((next) => next.startsWith('    curl '));
    if (command === undefined) throw new Error(`no curl command after the row ${line}`);
    examples.push({ ...(row[1] === '?' ? {} : { expect: Number(row[1]) }), principal: row[2], why: row[3], command: command.trim() });
  }
  return examples;
}

/** Every port `npm start` printed a URL for, each once: the gateways, the issuer, dynalite, the AVP endpoint, the backend. */
export function printedPorts(stdout: string): number[] {
  const environment = stdout.slice(stdout.indexOf('Local environment'), stdout.indexOf('Demo world:'));
  return [...new Set([...environment.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((match) => Number(match[1])))];
}

/** Runs a printed command as the user pastes it, in bash, from the repository root. */
export async function runPrinted(command: string): Promise<{ readonly body: string; readonly status: number }> {
  const finished = await run('bash', ['-c', command]);
  if (finished.code !== 0) throw new Error(`${command} exited ${finished.code}: ${finished.stderr}`);
  // The REST commands print the body, then `-w '\n%{http_code}\n'`.
  const lines = finished.stdout.trimEnd().split('\n');
  return { body: lines.slice(0, -1).join('\n'), status: Number(lines.at(-1)) };
}

/** True when nothing listens on the port any more. */
export function closedPort(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}
