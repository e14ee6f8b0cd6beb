import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // policy-testing/harness/: the entries that run the suites of the domain at the root (tests/policies/ holds only its data).
    include: ['tests/**/*.test.ts', 'policy-testing/harness/**/*.test.ts'],
    // Fixture domains are generated once per run; tests read them through tests/support/fixture-domain.ts.
    globalSetup: ['tests/support/generate-fixture-domains.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Node 20's V8 11.3 now and then aborted a worker ("Fatal error ... unreachable code") while deoptimizing a hot
    // caller of cedar-wasm; not inlining JS-to-Wasm calls avoids it and changes no result (tests/adversarial/support).
    execArgv: ['--no-turbo-inline-js-wasm-calls'],
  },
});
