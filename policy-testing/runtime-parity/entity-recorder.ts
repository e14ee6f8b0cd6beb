// Records what the runtime hands its engine (local or AVP), through the runtime's wrapEngine hook and the explain
// tool's recorder: the exact entities and context of each decision. Requests and answers pass through unchanged.
import type { EntityJson } from '@cedar-policy/cedar-wasm/nodejs';
import { recordEngineCalls, type EngineCall, type EngineRecorder } from '../../local/explain/record-engine-calls.js';
import type { Engine } from '../../runtime/engine/decision.js';

/** Between `start` and `stop`, the engine calls made: none when the runtime refused before asking its engine. */
export interface RecordedRequests {
  readonly engineCalls: readonly EngineCall[];
}

/** Records between `start` and `stop`; cases run one at a time, so one recording at a time is enough. */
export class EntityRecorder {
  private readonly recorder: EngineRecorder = recordEngineCalls();
  private mark: number | undefined;

  /** Pass as `RuntimeDependencies.wrapEngine`. */
  readonly wrap = (engine: Engine): Engine => this.recorder.wrap(engine);

  start(): void {
    this.mark = this.recorder.calls.length;
  }

  stop(): RecordedRequests {
    const mark = this.mark ?? this.recorder.calls.length;
    this.mark = undefined;
    return { engineCalls: this.recorder.calls.slice(mark) };
  }
}

/** The entities of the last engine call, or undefined when the engine was not asked. */
export function entitiesAsked(recorded: RecordedRequests): readonly EntityJson[] | undefined {
  return recorded.engineCalls.at(-1)?.entities;
}
