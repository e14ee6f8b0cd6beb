// `npm run plan -- <mode> [--tenant <id> | --all-tenants]`: what a deploy does to the mode's live policy store(s), read
// through the SDK and printed as text, markdown or JSON. Exit 0 planned, 1 failure, 2 usage, 3 changes with --fail-on-change.
import { CommandFailure, runCli } from '../../common/cli/command-line.js';
import { closestMatch } from '../../common/did-you-mean.js';
import { loadGeneratedModes, type GeneratedMode } from '../../common/generated-modes.js';
import { readProjectConfig } from '../../generator/project-config.js';
import { modeNames } from '../../infra/project.js';
import { hasChanges } from '../store-plan/plan-summary.js';
import { failedSections, renderPlan, totalCounts } from '../store-plan/render-plan.js';
import { resolveSettings } from '../tenant/settings.js';
import { TenantTable } from '../tenant/tenant-table.js';
import { CHANGES_EXIT_CODE, PLAN_COMMAND, planRequestOf, type PlanRequest } from './args.js';
import { createPlanClients, resolveConnection } from './connection.js';
import { paceByStore } from '../aws/avp-store-pacer.js';
import { PlanUsageError } from './errors.js';
import { findStores } from './find-stores.js';
import { planStores } from './plan-stores.js';

async function plan(request: PlanRequest, env: NodeJS.ProcessEnv): Promise<number> {
  const mode = selectMode(await loadGeneratedModes(request.root), request.mode);
  const connection = resolveConnection(request.connection, env);
  const clients = createPlanClients(connection);
  // Reading a store is a burst of GetPolicy calls: spaced per store and operation, it stays within AVP's quotas.
  paceByStore(clients.avp);
  try {
    const stores = await findStores({
      target: request.target,
      mode,
      stackId: modeNames(readProjectConfig(request.root), mode.name).stackId,
      cloudFormation: () => clients.cloudFormation,
      tenantTable: () => {
        if (mode.config.tenancy.kind !== 'multi') throw new PlanUsageError(`mode ${mode.name} has no tenant table`);
        const lookup = mode.config.tenancy.policyStoreLookup;
        const { table } = resolveSettings({ flags: { ...request.connection, json: false }, env, lookup });
        return new TenantTable({ client: clients.dynamoDb, name: table, lookup });
      },
    });
    const report = await planStores({ mode: mode.name, stores, avp: clients.avp, bundle: mode.bundle });
    const failed = failedSections(report);
    const [only] = report.sections;
    // One store asked for and not readable: the reason is the whole answer, as a failure.
    if (request.target.kind !== 'all-tenants' && only?.outcome.kind === 'failed') throw new CommandFailure(only.outcome.reason);
    process.stdout.write(renderPlan(report, request.format));
    if (failed.length > 0) {
      process.stderr.write(
        `npm run plan: ${failed.length} of ${report.sections.length} stores could not be planned: ` +
          `${failed.map((section) => section.name).join(', ')}\n`,
      );
      return 1;
    }
    return request.failOnChange && hasChanges(totalCounts(report)) ? CHANGES_EXIT_CODE : 0;
  } finally {
    clients.destroy();
  }
}

function selectMode(modes: readonly GeneratedMode[], name: string): GeneratedMode {
  const found = modes.find((mode) => mode.name === name);
  if (found !== undefined) return found;
  const names = modes.map((mode) => mode.name);
  const suggestion = closestMatch(name, names);
  throw new PlanUsageError(
    `no generated mode "${name}"${suggestion !== undefined ? ` (did you mean "${suggestion}"?)` : ''}: modes are ${names.join(', ')}`,
  );
}

runCli(PLAN_COMMAND, (args) => plan(planRequestOf(args, process.cwd()), process.env));
