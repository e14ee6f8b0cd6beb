// The model of project.yaml: the settings the stacks read, and the lines of .github/CODEOWNERS.
import { DOMAIN_PATHS } from '../../common/domain-paths.js';
import type { ProjectConfig } from '../../infra/project.js';
import type { ProjectFile } from '../load/project-file.js';

export interface CodeOwnersLine {
  /** A CODEOWNERS pattern: `*`, or a domain path anchored at the root (`/policies/`). */
  readonly pattern: string;
  readonly owners: readonly string[];
}

export interface ProjectModel {
  readonly config: ProjectConfig;
  /** In order: GitHub applies the last line that matches a path, so the catch-all comes first. */
  readonly codeOwners: readonly CodeOwnersLine[];
}

export function toProjectModel(settings: ProjectFile): ProjectModel {
  const { application, alarmTopic, tags, owners } = settings;
  const sortedTags = Object.fromEntries(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    config: {
      name: application.name,
      displayName: application.displayName,
      alarmTopic: alarmTopic.kind === 'existing' ? { kind: 'existing', arn: alarmTopic.arn } : { kind: 'create' },
      tags: sortedTags,
    },
    codeOwners: [
      { pattern: '*', owners: owners.toolkit },
      // A mode decides what is deployed (memory, tables, the API) as much as what is allowed: both approve it.
      ...DOMAIN_PATHS.map((path) => ({
        pattern: `/${path}`,
        owners: path.startsWith('modes/') ? [...owners.domain, ...owners.toolkit.filter((o) => !owners.domain.includes(o))] : owners.domain,
      })),
    ],
  };
}
