// The shape of project.yaml, as generator/schemas/project.schema.json describes it. Only schema-valid data gets this type.
import type { AlarmTopicConfig } from '../../infra/project.js';

export interface ProjectFile {
  application: { name: string; displayName: string };
  alarmTopic: AlarmTopicConfig;
  tags: Record<string, string>;
  owners: { domain: string[]; toolkit: string[] };
}
