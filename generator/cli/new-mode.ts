// `npm run new-mode -- <name> --api rest|http|websocket --identity cognito|oidc|client-credentials [--root <dir>]`
import { resolve } from 'node:path';
import { runCli, UsageError } from '../../common/cli/command-line.js';
import { closestMatch } from '../../common/did-you-mean.js';
import { createMode } from '../new-mode/new-mode.js';
import { isNewModeApi, isNewModeIdentity, MODE_NAME_PATTERN, NEW_MODE_APIS, NEW_MODE_IDENTITIES } from '../new-mode/options.js';

const SPEC = {
  command: 'new-mode',
  usage: `usage: npm run new-mode -- <name> --api ${NEW_MODE_APIS.join('|')} --identity ${NEW_MODE_IDENTITIES.join('|')} [--root <dir>]
  writes modes/<name>.yaml: a mode that validates, with one example route from the schema and a comment on every field;
  an existing mode is never overwritten (exit 1)`,
  options: { api: { type: 'string' }, identity: { type: 'string' }, root: { type: 'string' } },
  positionals: { min: 1, max: 1 },
} as const;

runCli(SPEC, ({ values, positionals }) => {
  const [name = ''] = positionals;
  if (!MODE_NAME_PATTERN.test(name)) {
    throw new UsageError(`the mode name "${name}" must start with a lower-case letter and hold only a-z, 0-9 and -`);
  }
  const api = oneOf('--api', values.api, NEW_MODE_APIS, isNewModeApi);
  const identity = oneOf('--identity', values.identity, NEW_MODE_IDENTITIES, isNewModeIdentity);
  const root = resolve(values.root ?? '.');
  const { path, example } = createMode({ root, name, api, identity });
  process.stdout.write(
    `new-mode: wrote ${path}: a ${api} API, ${identity} tokens, principal ${example.principal.name}, ` +
      `one route for ${example.action.id} on ${example.resource.name}\n` +
      `Replace the example values, then run \`npm run validate${values.root === undefined ? '' : ` -- --root ${values.root}`}\`.\n`,
  );
  return 0;
});

function oneOf<T extends string>(option: string, value: string | undefined, allowed: readonly T[], is: (value: string) => value is T): T {
  if (value === undefined) throw new UsageError(`${option} is required: one of ${allowed.join(', ')}`);
  if (is(value)) return value;
  const suggestion = closestMatch(value, allowed);
  throw new UsageError(
    `unknown ${option} "${value}"; use one of ${allowed.join(', ')}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
  );
}
