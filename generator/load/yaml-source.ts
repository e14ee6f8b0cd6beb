// Parses a YAML file and keeps the node positions, so any later finding can point at the exact line and column.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { diagnostic, START_OF_FILE, type Diagnostic, type SourcePosition } from '../diagnostics/diagnostic.js';
import type { SourceFile } from './source-files.js';

export type YamlPath = readonly (string | number)[];

export interface YamlSource {
  readonly file: SourceFile;
  readonly data: unknown;
  /** Where the node at `path` is; `key` points at the key of a map entry rather than its value. */
  positionOf(path: YamlPath, target?: 'key' | 'value'): SourcePosition;
}

export interface YamlLoadResult {
  readonly source?: YamlSource;
  readonly diagnostics: Diagnostic[];
}

export function loadYaml(file: SourceFile): YamlLoadResult {
  const lineCounter = new LineCounter();
  // `uniqueKeys` makes a duplicated key an error rather than a silent last-one-wins.
  const document = parseDocument(file.text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    return {
      diagnostics: document.errors.map((error) => {
        const at = lineCounter.linePos(error.pos[0]);
        return diagnostic({
          file: file.path,
          at: { line: at.line, column: at.col },
          code: 'YAML_SYNTAX',
          message: firstLine(error.message),
        });
      }),
    };
  }
  const toPosition = (offset: number): SourcePosition => {
    const at = lineCounter.linePos(offset);
    return { line: at.line, column: at.col };
  };
  return {
    source: {
      file,
      data: document.toJS({ maxAliasCount: 100 }) as unknown,
      positionOf: (path, target = 'value') => {
        const offset = offsetOf(document, path, target);
        return offset === undefined ? START_OF_FILE : toPosition(offset);
      },
    },
    diagnostics: [],
  };
}

/** Walks down `path` as far as it exists and returns the start offset of the deepest node found. */
function offsetOf(document: Document.Parsed, path: YamlPath, target: 'key' | 'value'): number | undefined {
  let node: unknown = document.contents;
  let offset = rangeStart(node);
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) return offset;
      if (last && target === 'key') return rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      if (node === undefined) return offset;
    } else {
      return offset;
    }
    offset = rangeStart(node) ?? offset;
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null)?.range?.[0];
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
