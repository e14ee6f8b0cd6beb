// vitest globalSetup: generates every fixture domain once per run, so test files read the result instead of each
// running the generator (about a second per domain). Written atomically: concurrent runs never read half a file.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_DOMAINS, GENERATED_FIXTURES_DIR, generateFixtureDomain } from './fixture-domain.js';

export default function setup(): void {
  mkdirSync(GENERATED_FIXTURES_DIR, { recursive: true });
  for (const domain of FIXTURE_DOMAINS) {
    const file = join(GENERATED_FIXTURES_DIR, `${domain}.json`);
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, JSON.stringify(generateFixtureDomain(domain)));
    renameSync(partial, file);
  }
}
