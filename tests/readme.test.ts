import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_DIAGNOSTIC_CODES } from '../generator/diagnostics/codes.js';
import { REPO_ROOT } from './support/project-copy.js';

const readme = readFileSync(`${REPO_ROOT}/README.md`, 'utf8');
const packageJson = JSON.parse(readFileSync(`${REPO_ROOT}/package.json`, 'utf8')) as { scripts: Record<string, string> };
const modeSchema = JSON.parse(readFileSync(`${REPO_ROOT}/generator/schemas/mode.schema.json`, 'utf8')) as {
  properties: Record<string, unknown>;
};

describe('README.md', () => {
  it('documents every diagnostic code', () => {
    const missing = ALL_DIAGNOSTIC_CODES.filter((code) => !readme.includes(`| \`${code}\` |`));
    expect(missing).toEqual([]);
  });

  it('documents every npm script', () => {
    const missing = Object.keys(packageJson.scripts).filter(
      (name) => !readme.includes(name === 'start' || name === 'test' ? `npm ${name}` : `npm run ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it('documents every top-level mode field', () => {
    const missing = Object.keys(modeSchema.properties).filter((field) => !new RegExp(`\\| \`${field}[.\`]`).test(readme));
    expect(missing).toEqual([]);
  });

  it('gives the two set-up commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm test');
  });
});
