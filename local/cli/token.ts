// `npm run -s token -- <mode> (<principal> | --claims <file.json|JSON>)`: prints a signed JWT, verifiable by the
// gateways of `npm start`, for a demo principal of the domain's seed or for the claims given.
import { CommandFailure, runCli, UsageError } from '../../common/cli/command-line.js';
import { readClaimsOption } from '../demo-world/claims-option.js';
import { demoPrincipal, loadDemoWorld } from '../demo-world/demo-data.js';
import { mintDemoToken } from '../demo-world/demo-tokens.js';
import { projectRoot } from '../demo-world/project-root.js';
import { loadOrCreateDevKeys } from '../dev-keys.js';
import { buildProjectModel, selectModes } from '../environment.js';
import { startLocalIssuer } from '../issuer/token-issuer.js';

const USAGE = `usage: npm run -s token -- <mode> (<principal> | --claims <file.json|JSON>) [--root <dir>] [--expires-in <seconds>]
  <principal>   a demo principal of the mode, from the domain's local/demo/seed.yaml
  --claims      a JSON object of claims (a file, or inline); iss, aud or client_id, token_use, iat and exp are filled in
                for the mode, and a claim given here wins
  --root        the project root (default: the current directory)
  --expires-in  seconds until exp (default 3600; negative for an expired token)`;

runCli(
  {
    command: 'npm run token --',
    usage: USAGE,
    options: { root: { type: 'string' }, claims: { type: 'string' }, 'expires-in': { type: 'string' } },
    positionals: { min: 1, max: 2 },
  },
  async ({ values, positionals }) => {
    const [modeName = '', principalName] = positionals;
    if (principalName === undefined && values.claims === undefined)
      throw new UsageError('say who the token is for: <principal> or --claims');
    if (principalName !== undefined && values.claims !== undefined) throw new UsageError('<principal> and --claims exclude each other');
    const expiresInSeconds = values['expires-in'] === undefined ? 3600 : Number(values['expires-in']);
    if (!Number.isInteger(expiresInSeconds)) throw new UsageError(`--expires-in takes whole seconds, not "${values['expires-in']}"`);

    const root = projectRoot(values.root);
    const [model] = selectModes(buildProjectModel(root), [modeName]);
    if (!model) throw new CommandFailure(`unknown mode ${modeName}`);
    const mode = model.config;
    const claims = values.claims === undefined ? undefined : claimsOf(values.claims);
    const principal = principalName === undefined ? undefined : demoPrincipal(loadDemoWorld(root).demo, mode.name, principalName);
    // Minting needs no server; the issuer is closed at once. Its keys are the ones `npm start` publishes.
    const issuer = await startLocalIssuer({ env: {}, keys: loadOrCreateDevKeys() });
    try {
      const token = principal
        ? mintDemoToken(issuer, mode, principal, { expiresInSeconds })
        : issuer.mint(mode, claims ?? {}, { expiresInSeconds });
      process.stdout.write(`${token}\n`);
    } finally {
      await issuer.close();
    }
    return 0;
  },
);

function claimsOf(value: string): Record<string, unknown> {
  try {
    return readClaimsOption(value);
  } catch (error) {
    throw new CommandFailure(error instanceof Error ? error.message : String(error), 2, { cause: error });
  }
}
