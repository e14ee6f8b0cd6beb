// Every CLI that package.json runs answers --help with its usage on stdout and exit code 0: a new script is covered
// the moment it is added, because the list comes from package.json itself.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/project-copy.js';

/** The TypeScript files the scripts hand to tsx (`tsx <file>` or `node … --import tsx <file>`), once each, sorted. */
function cliFiles(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const files = Object.values(scripts).flatMap((command) =>
    [...command.matchAll(/\btsx\s+([\w./-]+\.ts)\b/g)].map((match) => match[1] ?? ''),
  );
  return [...new Set(files)].sort();
}

function runHelp(file: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file, '--help'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

describe('--help of every package.json CLI', () => {
  it('finds the CLIs in package.json', () => {
    expect(cliFiles()).toContain('generator/cli/validate.ts');
  });

  it.concurrent.each(cliFiles())(
    '%s --help exits 0 with a usage line on stdout',
    async (file) => {
      const { code, stdout } = await runHelp(file);

      expect({ code, firstLine: stdout.split('\n')[0]?.startsWith('usage: ') }).toEqual({ code: 0, firstLine: true });
    },
    120_000,
  );
});
