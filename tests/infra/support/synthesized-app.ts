// The CDK app the generator writes for the billing fixture, built and synthesized once per test file and shared by its tests.
import { pathToFileURL } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { recommendedFeatureFlags } from '../../../generator/render/cdk-json.js';
import { AuthorizerModeStack } from '../../../infra/authorizer-mode-stack.js';
import { billingProject } from './billing-project.js';

/**
 * Stack tests skip esbuild through CDK's own `aws:cdk:bundling-stacks` context (an empty list bundles no stack), so
 * the production construct is tested exactly as deployed, only without its asset's contents.
 */
export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] as string[] };

/**
 * The context `cdk synth` gives the app from the generated cdk.json (every feature flag aws-cdk-lib recommends; they
 * change resource shapes), without bundling: what the stack tests synthesize with, so they assert what deploys.
 */
export const SYNTH_CONTEXT: Record<string, unknown> = { ...recommendedFeatureFlags(), ...NO_BUNDLING };

export interface SynthesizedApp {
  readonly app: App;
  readonly stacks: ReadonlyMap<string, AuthorizerModeStack>;
  template(modeName: string): Template;
  stack(modeName: string): AuthorizerModeStack;
}

export type BuildApp = (app: App) => App;

/** The billing fixture's generated `buildApp`: one stack per mode, named after its project.yaml, cdk-nag registered. */
export async function billingBuildApp(): Promise<BuildApp> {
  const generatedApp = (await import(pathToFileURL(billingProject().generated('app.ts')).href)) as { buildApp: BuildApp };
  return generatedApp.buildApp;
}

let shared: SynthesizedApp | undefined;

/**
 * buildApp as `cdk synth` runs it, cdk-nag included; the first synth in a process takes about 2 s. Await it at the
 * top level of a test file: the scratch project it generates is removed after the file's tests.
 */
export async function synthesizedApp(): Promise<SynthesizedApp> {
  if (shared) return shared;
  const buildApp = await billingBuildApp();
  const app = buildApp(new App({ context: SYNTH_CONTEXT }));
  app.synth();
  const stacks = new Map<string, AuthorizerModeStack>();
  for (const child of app.node.children) if (child instanceof AuthorizerModeStack) stacks.set(child.mode.name, child);
  const templates = new Map<string, Template>();
  const stack = (modeName: string): AuthorizerModeStack => {
    const found = stacks.get(modeName);
    if (!found) throw new Error(`the app has no stack for mode ${modeName}; it has ${[...stacks.keys()].join(', ')}`);
    return found;
  };
  shared = {
    app,
    stacks,
    stack,
    template(modeName) {
      const cached = templates.get(modeName);
      if (cached) return cached;
      const template = Template.fromStack(stack(modeName));
      templates.set(modeName, template);
      return template;
    },
  };
  return shared;
}

/** A bare stack in its own app, for testing one construct in isolation. */
export function bareStack(id = 'Test'): Stack {
  return new Stack(new App({ context: SYNTH_CONTEXT }), id);
}

/** The logical id of the one resource of `type` in `template`; throws when there is none or several. */
export function logicalIdOfOnly(template: Template, type: string): string {
  const ids = Object.keys(template.findResources(type));
  if (ids.length !== 1) throw new Error(`expected exactly one ${type}, found ${ids.length}`);
  return ids[0] as string;
}
