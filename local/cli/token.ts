// `npm run token -- <mode> <principal>`: prints a signed JWT for a demo principal, verifiable by `npm start`'s gateways.
import { loadDemoData, demoPrincipal } from '../demo/demo-data.js';
import { mintDemoToken } from '../demo/demo-tokens.js';
import { loadOrCreateDevKeys } from '../dev-keys.js';
import { loadGeneratedModes } from '../environment.js';
import { startLocalIssuer } from '../issuer/token-issuer.js';

const USAGE = 'usage: npm run token -- <mode> <principal> [--expires-in <seconds>]';

async function main(argv: string[]): Promise<number> {
  const [modeName, principalName, flag, value] = argv;
  if (!modeName || !principalName || (flag !== undefined && flag !== '--expires-in')) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const expiresInSeconds = value === undefined ? 3600 : Number(value);
  if (!Number.isFinite(expiresInSeconds)) {
    process.stderr.write(`--expires-in must be a number of seconds\n${USAGE}\n`);
    return 2;
  }
  const [generated] = await loadGeneratedModes([modeName]);
  if (!generated) throw new Error(`unknown mode ${modeName}`);
  const principal = demoPrincipal(loadDemoData(), modeName, principalName);
  // Minting needs no server; the issuer is closed at once. Its keys are the ones `npm start` publishes.
  const issuer = await startLocalIssuer({ env: {}, keys: loadOrCreateDevKeys() });
  try {
    process.stdout.write(`${mintDemoToken(issuer, generated.MODE_CONFIG, principal, { expiresInSeconds })}\n`);
  } finally {
    await issuer.close();
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`token: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
