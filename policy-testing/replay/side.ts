// One side of a replay, the working tree's or a base revision's policies: decides a record with the suites' own
// evaluator (policy-testing/evaluate.ts, the schema passed), or says why it cannot.
import type { ProjectSources } from '../../generator/load/source-files.js';
import type { ReplayableRecord } from '../../runtime/observability/decision-record.js';
import { createEvaluator, type Evaluator } from '../evaluate.js';
import { PolicySetError } from '../errors.js';
import { loadPolicyCatalog, policySetOf, type ModePolicySet, type PolicyCatalog } from '../policy-catalog.js';
import { attributeReaders, type AttributeReaders } from './policy-reads.js';

export type SideAnswer =
  | {
      readonly kind: 'decided';
      readonly decision: 'allow' | 'deny';
      readonly determining: readonly string[];
      readonly errors: readonly string[];
    }
  | { readonly kind: 'unreplayable'; readonly reason: string };

export interface ReplaySide {
  /** `working tree`, or `main (abc1234)`. */
  readonly label: string;
  decide(record: ReplayableRecord): SideAnswer;
}

interface ModeSide {
  readonly policySet: ModePolicySet;
  readonly readers: AttributeReaders;
  /** One evaluator per set of template links, bounded: links are per principal and could grow without end. */
  readonly evaluators: Map<string, Evaluator>;
}

const MAX_EVALUATORS_PER_MODE = 64;

export function replaySide(label: string, sources: ProjectSources): ReplaySide {
  const catalog: PolicyCatalog = loadPolicyCatalog(sources);
  const schemaText = sources.schemaFiles[0]?.text;
  const modes = new Map<string, ModeSide | string>();

  const modeSide = (mode: string): ModeSide | string => {
    const known = modes.get(mode);
    if (known !== undefined) return known;
    const policySet = policySetOf(catalog, mode);
    const made: ModeSide | string =
      policySet === undefined
        ? `unknown mode ${mode} in the ${label}`
        : schemaText === undefined
          ? `the ${label} has no schema`
          : { policySet, readers: attributeReaders(policySet), evaluators: new Map() };
    modes.set(mode, made);
    return made;
  };

  return {
    label,
    decide(record) {
      const side = modeSide(record.mode);
      if (typeof side === 'string') return { kind: 'unreplayable', reason: side };
      for (const path of record.redacted) {
        const name = path.slice(path.indexOf('.') + 1);
        const readers = side.readers.get(name);
        if (readers) return { kind: 'unreplayable', reason: `redacted ${path} is read by ${readers.join(', ')} (${label})` };
      }
      const missing = record.templateLinks.find((link) => !(link.templateId in side.policySet.templates));
      if (missing) return { kind: 'unreplayable', reason: `template ${missing.templateId} is not in mode ${record.mode} (${label})` };
      let evaluator: Evaluator;
      try {
        evaluator = evaluatorFor(side, record, schemaText ?? '');
      } catch (error) {
        if (!(error instanceof PolicySetError)) throw error;
        return { kind: 'unreplayable', reason: `${error.message} (${label})` };
      }
      const outcome = evaluator.evaluate(record, record.entities, 'request');
      return { kind: 'decided', decision: outcome.decision, determining: outcome.determining, errors: outcome.errors };
    },
  };
}

function evaluatorFor(side: ModeSide, record: ReplayableRecord, schemaText: string): Evaluator {
  // The runtime writes links sorted by id, with one key order: their JSON text identifies the set.
  const key = record.templateLinks.length === 0 ? '' : JSON.stringify(record.templateLinks);
  const known = side.evaluators.get(key);
  if (known) return known;
  const evaluator = createEvaluator({ policySet: side.policySet, links: record.templateLinks, schemaText });
  if (side.evaluators.size >= MAX_EVALUATORS_PER_MODE) {
    const oldest = side.evaluators.keys().next();
    if (oldest.done !== true) side.evaluators.delete(oldest.value);
  }
  side.evaluators.set(key, evaluator);
  return evaluator;
}
