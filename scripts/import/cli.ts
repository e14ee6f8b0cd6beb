// `npm run import -- --policy-store-id <id> [--region <r>] [--endpoint <url>] [--root <dir>]`: exit 0, 1 (failure) or 2 (usage).
import { runCli } from '../../common/cli/command-line.js';
import { IMPORT_COMMAND, runImport } from './command.js';

runCli(IMPORT_COMMAND, (args) => runImport(args, { stdout: (text) => process.stdout.write(text) }));
