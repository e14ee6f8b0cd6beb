// `npm start` and `npm run token` as a user runs them: real processes, the printed curl commands run with real curl.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoData } from '../../../local/demo-world/demo-data.js';
import { GATEWAY_BODIES } from '../../../local/gateway/local-gateway.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const READY_LINE = 'Ctrl-C stops everything.';
const STOPPED_LINE = 'stopped: nothing is left listening';
const TIMEOUT_MS = 60_000;

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end and collects what it printed. */
function run(command: string, args: readonly string[]): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface PrintedExample {
  readonly expect: number;
  readonly principal: string;
  readonly why: string;
  readonly command: string;
}

/** The `| expect | principal | why |` rows `npm start` prints, each followed by its indented curl command. */
function printedExamples(stdout: string): PrintedExample[] {
  const lines = stdout.split('\n');
  const examples: PrintedExample[] = [];
  for (const [index, line] of lines.entries()) {
    const row = /^\| (\d{3}) \| (\S+) \| (.+) \|$/.exec(line);
    if (!row?.[1] || !row[2] || !row[3]) continue;
    const command = lines.slice(index + 1).find((next) => next.startsWith('    curl '));
    if (command === undefined) throw new Error(`no curl command after the row ${line}`);
    examples.push({ expect: Number(row[1]), principal: row[2], why: row[3], command: command.trim() });
  }
  return examples;
}

/** Every URL `npm start` printed: the gateways, issuer, dynalite, the AVP endpoint and the backend. */
function printedPorts(stdout: string): number[] {
  const environment = stdout.slice(stdout.indexOf('Local environment'), stdout.indexOf('Tokens:'));
  return [...environment.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((match) => Number(match[1]));
}

/** Runs a printed command as the user pastes it, in bash, from the repository root. */
async function runPrinted(command: string): Promise<{ readonly body: string; readonly status: number }> {
  const finished = await run('bash', ['-c', command]);
  if (finished.code !== 0) throw new Error(`${command} exited ${finished.code}: ${finished.stderr}`);
  // The REST commands print the body, then `-w '\n%{http_code}\n'`.
  const lines = finished.stdout.trimEnd().split('\n');
  return { body: lines.slice(0, -1).join('\n'), status: Number(lines.at(-1)) };
}

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

describe('npm start --port 0 --mode customer', () => {
  let start: ChildProcess | undefined;
  let stdout = '';
  let stderr = '';
  let exited: Promise<number | null>;

  beforeAll(async () => {
    const curl = spawnSync('curl', ['--version']);
    if (curl.error)
      throw new Error(`curl is not installed or not on PATH (${curl.error.message}); these tests run the printed curl commands with it`);

    // `npm start` is `tsx local/cli/start.ts`; node --import tsx runs the same file without npm's and tsx's wrappers.
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/cli/start.ts', '--port', '0', '--mode', 'customer'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    start = child;
    exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${READY_LINE}" within ${TIMEOUT_MS} ms\n${stdout}\n${stderr}`)), TIMEOUT_MS);
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        if (stdout.includes(READY_LINE)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`start exited with ${code} before "${READY_LINE}"\n${stdout}\n${stderr}`));
      });
    });
  }, TIMEOUT_MS + 5_000);

  afterAll(async () => {
    // Only when a test failed before Ctrl-C: never leave the child listening.
    if (start && start.exitCode === null && start.signalCode === null) {
      start.kill('SIGKILL');
      await exited;
    }
  });

  it('prints the customer gateway and a curl command for every seed example of the mode, in seed order', () => {
    const seed = loadDemoData().examples['customer'] ?? [];

    expect(stdout).toMatch(/^ {2}customer {6}rest {6}local http:\/\/127\.0\.0\.1:\d+$/m);
    expect(printedExamples(stdout).map(({ expect: status, principal, why }) => ({ status, principal, why }))).toEqual(
      seed.map(({ expect: status, principal, why }) => ({ status, principal, why })),
    );
  });

  it(
    'the first printed allowed example, run with curl and `npm run -s token`, answers 200 with the backend echo',
    async () => {
      const allowed = printedExamples(stdout).find((example) => example.expect === 200);
      if (!allowed) throw new Error(`no allowed example in\n${stdout}`);

      const reply = await runPrinted(allowed.command);

      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toMatchObject({ backend: 'demo', principalId: allowed.principal, authorizer: { decision: 'allow' } });
    },
    TIMEOUT_MS,
  );

  it(
    'the first printed denied example, run with curl and `npm run -s token`, answers 403 with the explicit-deny body',
    async () => {
      const denied = printedExamples(stdout).find((example) => example.expect === 403);
      if (!denied) throw new Error(`no denied example in\n${stdout}`);

      const reply = await runPrinted(denied.command);

      expect(reply.status).toBe(403);
      expect(JSON.parse(reply.body)).toEqual(GATEWAY_BODIES.explicitDeny);
    },
    TIMEOUT_MS,
  );

  it(
    'Ctrl-C (SIGINT) exits 0, says nothing is left listening, and every printed port refuses connections',
    async () => {
      const ports = printedPorts(stdout);

      start?.kill('SIGINT');
      const code = await exited;

      expect(code).toBe(0);
      expect(stdout).toContain(STOPPED_LINE);
      expect(ports).toHaveLength(5);
      expect(await Promise.all(ports.map(connectionRefused))).toEqual(ports.map(() => true));
    },
    TIMEOUT_MS,
  );
});

describe('command-line mistakes', () => {
  it(
    '`npm run token -- customer nobody` exits 1 and names the principals of the mode',
    async () => {
      const finished = await run('npm', ['run', 'token', '--', 'customer', 'nobody']);

      expect(finished.code).toBe(1);
      expect(finished.stdout).not.toMatch(/^ey/m);
      expect(finished.stderr).toContain('token: no demo principal "nobody" in mode "customer"; try one of: alice, bob, carol, dave');
    },
    TIMEOUT_MS,
  );

  it(
    '`npm start -- --engine xyz` exits 2 with the usage, before generating or starting anything',
    async () => {
      const finished = await run('npm', ['start', '--', '--engine', 'xyz']);

      expect(finished.code).toBe(2);
      expect(finished.stderr).toContain('unknown --engine "xyz"; use local or avp\nusage: npm start -- [--engine local|avp]');
      expect(finished.stdout).not.toContain('validated;');
    },
    TIMEOUT_MS,
  );
});
