// Runs every policy-suite case of the domain at the repository root through the real runtime of its mode as well (a
// minted token, the seeded entity store and policy store, the route for its action and resource), one test per case:
// the runtime must agree with the suite's cedar-wasm decision, or the case is reported as unreachable through that
// mode, with its reason. The counts are printed and written to .tmp/runtime-parity.json.
import { describeRuntimeParity } from './describe-runtime-parity.js';
import { REPOSITORY_ROOT } from './repository-root.js';

describeRuntimeParity({ root: REPOSITORY_ROOT, reportPath: process.env['RUNTIME_PARITY_PATH'] ?? '.tmp/runtime-parity.json' });
