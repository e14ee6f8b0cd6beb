// Loads the coverage gate's settings (a domain's optional tests/policies/coverage.yaml): the minimum of determining cases,
// and reviewed waivers.
import type { SourceFile } from '../generator/load/source-files.js';
import { loadYaml } from '../generator/load/yaml-source.js';
import { closestMatch } from '../common/did-you-mean.js';
import { testDiagnostic, type TestDiagnostic } from './diagnostics.js';
import { hasErrors } from '../generator/diagnostics/diagnostic.js';
import { checkTestFile } from './file-schema.js';
import type { PolicyTests } from './load-tests.js';
import { COVERAGE_CONFIG, readSourceFile, SUITES_DIR } from './test-files.js';

export interface CoverageWaiver {
  readonly id: string;
  readonly reason: string;
}

export interface CoverageConfig {
  readonly minimumDeterminingCases: number;
  readonly waivers: readonly CoverageWaiver[];
}

/** Without a config file, every policy must determine at least one case and nothing is waived. */
export const DEFAULT_COVERAGE_CONFIG: CoverageConfig = { minimumDeterminingCases: 1, waivers: [] };

export interface CoverageConfigLoad {
  readonly config: CoverageConfig;
  readonly diagnostics: readonly TestDiagnostic[];
}

/** `policyIds`: every policy and template id of the policy files, to catch waivers of policies that no longer exist. */
export function loadCoverageConfig(file: SourceFile | undefined, policyIds: readonly string[]): CoverageConfigLoad {
  if (!file) return { config: DEFAULT_COVERAGE_CONFIG, diagnostics: [] };
  const loaded = loadYaml(file);
  if (!loaded.source) return { config: DEFAULT_COVERAGE_CONFIG, diagnostics: loaded.diagnostics };
  const source = loaded.source;
  const diagnostics = checkTestFile(source, 'coverage');
  if (hasErrors(diagnostics)) return { config: DEFAULT_COVERAGE_CONFIG, diagnostics };
  const config = source.data as CoverageConfig;
  config.waivers.forEach((waiver, index) => {
    if (policyIds.includes(waiver.id)) return;
    const suggestion = closestMatch(waiver.id, policyIds);
    diagnostics.push(
      testDiagnostic({
        file: file.path,
        at: source.positionOf(['waivers', index, 'id']),
        code: 'TEST_WAIVER_UNKNOWN',
        message: `no policy or template has the id \`${waiver.id}\`${suggestion ? `; did you mean \`${suggestion}\`?` : ''}`,
      }),
    );
  });
  return { config, diagnostics };
}

/** The settings of a loaded project: its tests/policies/coverage.yaml, or the defaults when the domain has none. */
export function readCoverageConfig(tests: PolicyTests): CoverageConfigLoad {
  return loadCoverageConfig(
    readSourceFile(tests.root, `${SUITES_DIR}/${COVERAGE_CONFIG}`),
    tests.catalog.policies.flatMap((policy) => policy.id ?? []),
  );
}
