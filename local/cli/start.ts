// `npm start`: validate, generate, then run every mode of the domain locally on 127.0.0.1 and print, per mode, its
// gateway, JWKS and token URLs and curl commands to try. SIGINT (Ctrl-C) and SIGTERM stop it the same way, exit 0.
import { relative } from 'node:path';
import { CommandFailure, runCli, UsageError } from '../../common/cli/command-line.js';
import { closestMatch } from '../../common/did-you-mean.js';
import { formatDiagnostics } from '../../generator/diagnostics/format.js';
import { generateProject } from '../../generator/generate.js';
import { findStaleFiles } from '../../generator/write/check-files.js';
import { writeGeneratedFiles } from '../../generator/write/write-files.js';
import { metricsNamespaceOf } from '../../infra/project.js';
import { curlExamples, formatExamples } from '../demo-world/curl-examples.js';
import { SEED_PATH } from '../demo-world/demo-data.js';
import { projectRoot } from '../demo-world/project-root.js';
import { startLocalEnvironment, type EngineChoice, type LocalEnvironment } from '../environment.js';
import { loopbackPath } from '../issuer/loopback-fetcher.js';
import { TOKEN_PATH } from '../issuer/jwks-server.js';

const USAGE = `usage: npm start -- [--root <dir>] [--engine mode|local|avp] [--port <base>] [--mode <name>]...
  --root    the project root (default: the current directory)
  --engine  mode keeps each mode's engine (default); local or avp runs every mode on that one
  --port    gateways listen on <base>+1, +2, ...; the issuer, dynalite, the AVP endpoint and the backend on
            <base>+20..23 (default 4000); 0 picks free ports for everything
  --mode    run only this mode (repeatable)`;
const ENGINES: readonly EngineChoice[] = ['mode', 'local', 'avp'];
const DEFAULT_BASE_PORT = 4000;

runCli(
  {
    command: 'npm start --',
    usage: USAGE,
    options: { root: { type: 'string' }, engine: { type: 'string' }, port: { type: 'string' }, mode: { type: 'string', multiple: true } },
  },
  async ({ values }) => {
    const engine = ENGINES.find((known) => known === (values.engine ?? 'mode'));
    if (engine === undefined) {
      const suggestion = closestMatch(values.engine ?? '', ENGINES);
      throw new UsageError(
        `unknown --engine "${values.engine}"${suggestion ? `; did you mean ${suggestion}?` : ''} (use mode, local or avp)`,
      );
    }
    const basePort = values.port === undefined ? DEFAULT_BASE_PORT : Number(values.port);
    if (!Number.isInteger(basePort) || basePort < 0 || basePort > 65_000)
      throw new UsageError(`--port must be a port number, not "${values.port}"`);
    // Listening from the start: a SIGTERM while the services start still stops them cleanly once they are up.
    const stopped = new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });

    const root = projectRoot(values.root);
    const { diagnostics, files, model } = generateProject(root);
    process.stdout.write(formatDiagnostics(diagnostics, 'text'));
    if (!files || !model) throw new CommandFailure('the policy repository does not validate; nothing was started');
    // Rewrite only when something changed: the swap briefly removes generated/, and nothing else should see that.
    const stale = findStaleFiles(root, files);
    if (stale.length > 0) writeGeneratedFiles(root, files);
    const rewritten = stale.length > 0 ? `rewritten (${stale.length} files changed)` : 'already up to date';
    process.stdout.write(`validated; generated/ ${rewritten} for ${model.modes.length} modes\n`);
    // Powertools reads the metrics namespace from the environment, which the stack sets in AWS (project.yaml).
    process.env['POWERTOOLS_METRICS_NAMESPACE'] ??= metricsNamespaceOf(model.project.config);

    const environment = await startLocalEnvironment({
      root,
      model,
      basePort,
      engine,
      useDevKeys: true,
      ...(values.mode ? { modes: values.mode } : {}),
    });
    const tokenArguments = root === process.cwd() ? '' : `--root ${shellWord(root)} `;
    process.stdout.write(describe(environment, tokenArguments));

    const signal = await stopped;
    await environment.close();
    process.stdout.write(`stopped (${signal}): nothing is left listening\n`);
    return 0;
  },
);

function describe(environment: LocalEnvironment, tokenArguments: string): string {
  const { issuer } = environment;
  const token = `npm run -s token -- ${tokenArguments}`;
  const modeLines = environment.modes.flatMap(({ mode, gateway }) => {
    const jwks = `${issuer.baseUrl}${loopbackPath(issuer.endpointsFor(mode).jwksUri)}`;
    const tokenUrl =
      mode.identitySource.kind === 'clientCredentials'
        ? `POST ${issuer.baseUrl}${TOKEN_PATH} (client credentials; client secret ${environment.clientSecret})`
        : `${token}${mode.name} <principal>   or   ${token}${mode.name} --claims ` +
          `'${JSON.stringify({ [mode.claims.principal.idClaim]: '...' })}'`;
    // API Gateway caches no WebSocket authorizer result, so only REST and HTTP modes have a cache to flush.
    const flush =
      mode.api.type === 'websocket'
        ? []
        : [
            `  ${''.padEnd(13)} flush     npm run flush -- ${mode.name} --endpoint ${gateway.managementUrl} ` +
              `--api-id ${gateway.api.apiId} --stage '${gateway.api.stage}'`,
          ];
    return [
      `  ${mode.name.padEnd(13)} ${mode.api.type.padEnd(9)} ${mode.engine.kind.padEnd(5)} ${gateway.url}`,
      `  ${''.padEnd(13)} JWKS      ${jwks}`,
      `  ${''.padEnd(13)} token     ${tokenUrl}`,
      ...flush,
    ];
  });
  const world = environment.seedFile
    ? `Demo world: ${relative(environment.root, environment.seedFile)} (${environment.demo.entities.length} entities)`
    : `Demo world: none (no ${SEED_PATH}): the stores are empty and there are no demo principals; mint tokens with --claims`;
  return [
    '',
    `Local environment of ${environment.root} (no AWS account, no network):`,
    ...modeLines,
    `  issuer        ${issuer.baseUrl} (the JWKS and OIDC discovery of every mode's issuer)`,
    `  dynalite      ${environment.dynamo.endpoint}`,
    `  AVP endpoint  ${environment.avp.url}`,
    `  backend       ${environment.backend.url} (echoes the authorizer context)`,
    '',
    world,
    `Tokens: ${token}<mode> <principal>  or  ${token}<mode> --claims <file.json|JSON>`,
    formatExamples(curlExamples(environment, { tokenArguments })),
    'Ctrl-C (or SIGTERM) stops everything.',
    '',
  ].join('\n');
}

/** A path as one shell word, quoted only when it needs to be. */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
