// Prints a drafted mode as YAML: the schema line first, then each field with its note as a comment above it.
import { Document, isMap, isScalar, isSeq } from 'yaml';
import type { ModeFile } from '../load/mode-file.js';
import { SCHEMA_LINE_PREFIX } from '../validate/modes.js';
import { fieldNote } from './field-notes.js';

/** Where a file in modes/ finds the mode JSON Schema, for editors that read the schema line. */
export const MODE_SCHEMA_REFERENCE = '../generator/schemas/mode.schema.json';

const NOTE_WIDTH = 110;

export function renderModeYaml(mode: ModeFile): string {
  const document = new Document(mode);
  document.commentBefore =
    ' Written by `npm run new-mode`. Every value is an example that validates against the schema: replace the identity\n' +
    ' provider, claims, route and backend with your own, then run `npm run validate`.';
  annotate(document.contents, []);
  return `${SCHEMA_LINE_PREFIX}${MODE_SCHEMA_REFERENCE}\n${document.toString({ lineWidth: 120 })}`;
}

/** Puts each field's note above its key; a list of plain values is written on one line. */
function annotate(node: unknown, path: readonly string[]): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const fieldPath = [...path, String(pair.key.value)];
      const note = fieldNote(fieldPath);
      if (note !== undefined) pair.key.commentBefore = wrap(note);
      // A blank line between the top-level sections, as the hand-written modes have.
      if (path.length === 0 && node.items.indexOf(pair) > 0) pair.key.spaceBefore = true;
      annotate(pair.value, fieldPath);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) annotate(item, [...path, '*']);
    if (node.items.every((item) => isScalar(item))) node.flow = true;
  }
}

/** Comment lines of at most NOTE_WIDTH characters, each starting with a space after YAML's `#`. */
function wrap(note: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of note.split(' ')) {
    if (line !== '' && line.length + word.length + 1 > NOTE_WIDTH) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines.map((text) => ` ${text}`).join('\n');
}
