// The project's settings as the stacks read them (project.yaml, through the generator into generated/project.ts), and
// the names that derive from the application's name. No CDK here: the generator and scripts/ use it too.

/** Where the alarms notify: a topic each stack creates, or an existing one. */
export type AlarmTopicConfig = { readonly kind: 'create' } | { readonly kind: 'existing'; readonly arn: string };

export interface ProjectConfig {
  /** kebab-case, such as `acme-api`. */
  readonly name: string;
  /** How people call the application, such as `Acme API`. */
  readonly displayName: string;
  readonly alarmTopic: AlarmTopicConfig;
  /** On every stack and every resource in it. */
  readonly tags: Readonly<Record<string, string>>;
}

/** What a mode's stack is called and calls its parts. */
export interface ModeNames {
  /** `AcmeApiAuthorizer-customer`: the CDK stack id, which is also the CloudFormation stack name. */
  readonly stackId: string;
  /** `acme-api-customer`. */
  readonly apiName: string;
  /** `AcmeApiAuthorizer`: the runtime's EMF metrics, shared by every mode (a `mode` dimension tells them apart). */
  readonly metricsNamespace: string;
  /** `AcmeApiAuthorizer-customer`. */
  readonly dashboardName: string;
}

export function modeNames(project: Pick<ProjectConfig, 'name'>, modeName: string): ModeNames {
  const prefix = metricsNamespaceOf(project);
  return {
    stackId: `${prefix}-${modeName}`,
    apiName: `${project.name}-${modeName}`,
    metricsNamespace: prefix,
    dashboardName: `${prefix}-${modeName}`,
  };
}

/** `AcmeApiAuthorizer`: what every mode's stack id starts with, and the namespace of the runtime's metrics. */
export function metricsNamespaceOf(project: Pick<ProjectConfig, 'name'>): string {
  return `${pascalCase(project.name)}Authorizer`;
}

/** `acme-api` → `AcmeApi`. */
function pascalCase(kebab: string): string {
  return kebab
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
