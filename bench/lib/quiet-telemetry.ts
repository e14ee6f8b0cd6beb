// Telemetry that records nothing: benchmarks time the decision, not stdout.
import type { Telemetry } from '../../runtime/index.js';

export const quietTelemetry: Telemetry = { record: () => undefined, recordCacheSizes: () => undefined, recordReplayable: () => undefined };
