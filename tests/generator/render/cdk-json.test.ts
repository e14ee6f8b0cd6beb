// cdk.json sets every feature flag the installed aws-cdk-lib recommends, so `cdk synth` warns of none left unconfigured.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import { cdkJson, recommendedFeatureFlags } from '../../../generator/render/cdk-json.js';
import { REPO_ROOT } from '../../support/project-copy.js';

const RECOMMENDED: Readonly<Record<string, unknown>> = CURRENTLY_RECOMMENDED_FLAGS;

describe('cdk.json', () => {
  it('as generated in the repository holds every currently recommended flag, each with its recommended value', () => {
    // Arrange
    const written = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };

    // Act
    const missing = Object.keys(RECOMMENDED).filter((flag) => !(flag in written.context));
    const different = Object.keys(RECOMMENDED).filter(
      (flag) => flag in written.context && JSON.stringify(written.context[flag]) !== JSON.stringify(RECOMMENDED[flag]),
    );

    // Assert
    expect({ missing, different }).toEqual({ missing: [], different: [] });
    expect(Object.keys(RECOMMENDED).length).toBeGreaterThan(80);
  });

  it('sets no context beyond the recommended flags, listed in sorted order so the file is deterministic', () => {
    const context = cdkJson('notice').context;

    expect(context).toEqual(RECOMMENDED);
    expect(Object.keys(context)).toEqual(Object.keys(RECOMMENDED).sort());
    expect(recommendedFeatureFlags()).toEqual(context);
  });

  it('runs the generated app with tsx and writes to cdk.out', () => {
    const { app, output } = cdkJson('notice');

    expect({ app, output }).toEqual({ app: 'npx tsx generated/app.ts', output: 'cdk.out' });
  });
});
