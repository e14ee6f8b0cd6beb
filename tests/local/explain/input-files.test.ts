// The --claims and --entities files: read as JSON of the expected shape, or refused with a usage error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExplainUsageError } from '../../../local/explain/errors.js';
import { readClaimsFile, readEntitiesFile } from '../../../local/explain/input-files.js';
import { scratchFiles, type ScratchFiles } from './support/explain-cli.js';

let files: ScratchFiles;

beforeAll(() => {
  files = scratchFiles();
});

afterAll(() => {
  files.remove();
});

function refusal(read: () => unknown): { readonly isUsageError: boolean; readonly message: string } | undefined {
  try {
    read();
    return undefined;
  } catch (error) {
    return { isUsageError: error instanceof ExplainUsageError, message: error instanceof Error ? error.message : String(error) };
  }
}

describe('readEntitiesFile', () => {
  it("fills in attrs and parents an entity leaves out, as Cedar's entities JSON allows", () => {
    const file = files.write('bare.json', [{ uid: { type: 'Billing::Tenant', id: 'bank-a' } }]);

    expect(readEntitiesFile(file)).toEqual([{ uid: { type: 'Billing::Tenant', id: 'bank-a' }, attrs: {}, parents: [] }]);
  });

  it('keeps tags, so hasTag and getTag see what the file says', () => {
    const entity = { uid: { type: 'Billing::Account', id: 'a' }, attrs: {}, parents: [], tags: { region: 'eu' } };
    const file = files.write('tags.json', [entity]);

    expect(readEntitiesFile(file)).toEqual([entity]);
  });

  it.each([
    ['not an array', { uid: 'x' }, 'expected a JSON array of Cedar entities'],
    ['an entity without a uid', [{ attrs: {} }], 'entity 0: uid must be { "type": ..., "id": ... }'],
    ['attrs that are not an object', [{ uid: { type: 'T', id: 'i' }, attrs: [] }], 'entity 0: attrs must be an object'],
    ['parents that are not an array', [{ uid: { type: 'T', id: 'i' }, parents: {} }], 'entity 0: parents must be an array'],
  ])('refuses a file of %s', (name, content, problem) => {
    const file = files.write(`${name.replace(/\W+/g, '-')}.json`, content);

    expect(refusal(() => readEntitiesFile(file))).toEqual({ isUsageError: true, message: `--entities ${file}: ${problem}` });
  });
});

describe('readClaimsFile', () => {
  it('refuses a JSON array: claims are one object', () => {
    const file = files.write('array.json', [{ sub: 'alice' }]);

    expect(refusal(() => readClaimsFile(file))).toEqual({
      isUsageError: true,
      message: `--claims ${file}: expected a JSON object of claims`,
    });
  });

  it('refuses text that is not JSON, quoting the parser', () => {
    const file = files.write('broken.json', '{ sub: alice }');

    expect(refusal(() => readClaimsFile(file))?.message.startsWith(`--claims ${file}: not valid JSON (`)).toBe(true);
  });
});
