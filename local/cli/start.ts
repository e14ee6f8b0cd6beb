// `npm start`: validate, generate, then run every mode's API locally on 127.0.0.1 and print curl commands to try.
import { parseArgs } from 'node:util';
import { formatDiagnostics } from '../../generator/diagnostics/format.js';
import { generateProject } from '../../generator/generate.js';
import { findStaleFiles } from '../../generator/write/check-files.js';
import { writeGeneratedFiles } from '../../generator/write/write-files.js';
import { curlExamples, formatExamples } from '../demo/curl-examples.js';
import { startLocalEnvironment, type EngineChoice } from '../environment.js';

const USAGE = 'usage: npm start -- [--engine local|avp] [--port <base port, default 4000>] [--mode <name>]...';
const ENGINES = ['mode', 'local', 'avp'] as const;

async function main(argv: string[]): Promise<number> {
  let values: { engine?: string; port?: string; mode?: string[]; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        engine: { type: 'string' },
        port: { type: 'string' },
        mode: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const engine = (values.engine ?? 'mode') as EngineChoice;
  if (!(ENGINES as readonly string[]).includes(engine)) {
    process.stderr.write(`unknown --engine "${values.engine}"; use local or avp\n${USAGE}\n`);
    return 2;
  }
  const basePort = values.port === undefined ? 4000 : Number(values.port);
  if (!Number.isInteger(basePort) || basePort < 0 || basePort > 65_000) {
    process.stderr.write(`--port must be a port number, not "${values.port}"\n${USAGE}\n`);
    return 2;
  }

  const root = process.cwd();
  const { diagnostics, files, model } = generateProject(root);
  process.stdout.write(formatDiagnostics(diagnostics, 'text'));
  if (!files || !model) {
    process.stderr.write('start: the policy repository does not validate; nothing was started\n');
    return 1;
  }
  // Rewrite only when something changed: the swap briefly removes generated/, and nothing else should see that.
  const stale = findStaleFiles(root, files);
  if (stale.length > 0) writeGeneratedFiles(root, files);
  process.stdout.write(
    `validated; generated/ ${stale.length > 0 ? `rewritten (${stale.length} files changed)` : 'already up to date'} for ${model.modes.length} modes\n`,
  );

  const environment = await startLocalEnvironment({ basePort, engine, useDevKeys: true, ...(values.mode ? { modes: values.mode } : {}) });
  const lines = [
    '',
    'Local environment (no AWS account, no network):',
    ...environment.modes.map(
      ({ mode, gateway }) => `  ${mode.name.padEnd(13)} ${mode.api.type.padEnd(9)} ${mode.engine.kind.padEnd(5)} ${gateway.url}`,
    ),
    `  issuer        JWKS, OIDC discovery, POST ${environment.issuer.baseUrl}/oauth2/token (client secret: ${environment.clientSecret})`,
    `  dynalite      ${environment.dynamo.endpoint}`,
    `  AVP endpoint  ${environment.avp.url}`,
    `  backend       ${environment.backend.url} (echoes the authorizer context)`,
    '',
    'Tokens: npm run token -- <mode> <principal>   (principals are in local/demo/seed.yaml)',
    formatExamples(curlExamples(environment)),
    'Ctrl-C stops everything.',
    '',
  ];
  process.stdout.write(lines.join('\n'));

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await environment.close();
  process.stdout.write('stopped: nothing is left listening\n');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`start failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
