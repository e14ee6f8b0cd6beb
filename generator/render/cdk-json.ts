// What cdk.json holds: how the CDK CLI runs the generated app, and every feature flag the installed aws-cdk-lib recommends.
//
// Unset flags keep CDK's old behaviours and make `cdk synth` warn "N feature flags are not configured". The values
// come from aws-cdk-lib's own CURRENTLY_RECOMMENDED_FLAGS (what `cdk init` writes for a new project), so upgrading
// aws-cdk-lib and regenerating picks up new flags; `npm run generate -- --check` then shows the change for review.
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';

export interface CdkJson {
  readonly '//': string;
  readonly app: string;
  readonly output: string;
  readonly context: Readonly<Record<string, unknown>>;
}

/** The recommended feature flags, sorted by name so the file is the same for the same aws-cdk-lib version. */
export function recommendedFeatureFlags(): Record<string, unknown> {
  const flags: Readonly<Record<string, unknown>> = CURRENTLY_RECOMMENDED_FLAGS;
  return Object.fromEntries(Object.entries(flags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function cdkJson(notice: string): CdkJson {
  return { '//': notice, app: 'npx tsx generated/app.ts', output: 'cdk.out', context: recommendedFeatureFlags() };
}
