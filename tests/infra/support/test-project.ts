// The project settings of stacks a test builds directly, as generated/project.ts would give them.
import type { ProjectConfig } from '../../../infra/project.js';

export const TEST_PROJECT: ProjectConfig = {
  name: 'acme-api',
  displayName: 'Acme API',
  alarmTopic: { kind: 'existing', arn: 'arn:aws:sns:eu-west-1:123456789012:on-call' },
  tags: {},
};
