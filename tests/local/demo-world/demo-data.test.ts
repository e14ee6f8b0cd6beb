// A domain's demo world: read from local/demo/seed.yaml when the domain has one, the empty world when it has none.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { demoPrincipal, EMPTY_DEMO, loadDemoData, loadDemoWorld, SEED_PATH } from '../../../local/demo-world/demo-data.js';
import { fixtureRoot } from '../../support/fixture-domain.js';

const scratch: string[] = [];

function domainWithSeed(text: string | undefined): string {
  const root = mkdtempSync(join(tmpdir(), 'demo-world-'));
  scratch.push(root);
  if (text !== undefined) {
    mkdirSync(join(root, 'local/demo'), { recursive: true });
    writeFileSync(join(root, SEED_PATH), text);
  }
  return root;
}

afterEach(() => {
  for (const root of scratch.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('loadDemoWorld', () => {
  it('gives the empty world, and no seed file, for a domain without local/demo/seed.yaml', () => {
    const root = domainWithSeed(undefined);

    expect(loadDemoWorld(root)).toEqual({ demo: EMPTY_DEMO });
  });

  it("reads a fixture domain's seed, template links included", () => {
    const root = fixtureRoot('research-archive');

    const world = loadDemoWorld(root);

    expect(world.seedFile).toBe(join(root, SEED_PATH));
    expect(world.demo.templateLinks.map((links) => links.principal)).toEqual([{ type: 'Archive::Researcher', id: 'eva' }]);
  });

  it('fills absent sections with empty ones: a seed may hold entities only', () => {
    const root = domainWithSeed('entities:\n  - { uid: { type: Shop::Item, id: i1 }, attrs: {}, parents: [] }\n');

    const { demo } = loadDemoWorld(root);

    expect(demo).toEqual({ ...EMPTY_DEMO, entities: [{ uid: { type: 'Shop::Item', id: 'i1' }, attrs: {}, parents: [] }] });
  });

  it('refuses a section of the wrong shape, naming the file and the section', () => {
    const root = domainWithSeed('principals: [alice]\n');

    expect(() => loadDemoData(join(root, SEED_PATH))).toThrow(
      new Error(`${join(root, SEED_PATH)}: principals must be a mapping by mode name`),
    );
  });
});

describe('demoPrincipal', () => {
  it('names --claims when the mode has no demo principals', () => {
    expect(() => demoPrincipal(EMPTY_DEMO, 'reader', 'zoe')).toThrow(
      new Error('mode "reader" has no demo principals in local/demo/seed.yaml; mint one with --claims <file.json|JSON>'),
    );
  });

  it("suggests the closest principal's name and lists them all", () => {
    const { demo } = loadDemoWorld(fixtureRoot('research-archive'));

    expect(() => demoPrincipal(demo, 'lab', 'adda')).toThrow(
      new Error('no demo principal "adda" in mode "lab" (did you mean "ada"?); try one of: ada, ben, cleo, dmitri, eva'),
    );
  });
});
