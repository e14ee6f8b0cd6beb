// Where a cedar-wasm error points: its first source location, a UTF-8 byte offset into the text it was given, as the
// line and column a diagnostic prints.
import type { DetailedError } from '@cedar-policy/cedar-wasm/nodejs';
import { START_OF_FILE, type SourcePosition } from './diagnostic.js';
import { LineIndex, utf8OffsetToIndex } from './position.js';

export interface CedarErrorPositionInput {
  /** The text cedar-wasm was given. */
  readonly text: string;
  readonly error: Pick<DetailedError, 'sourceLocations'>;
  /** The text's line index, when one is at hand for several errors. */
  readonly lines?: LineIndex;
  /** Where an error without a source location points. @default the start of the file */
  readonly fallback?: SourcePosition;
}

export function cedarErrorPosition({ text, error, lines, fallback = START_OF_FILE }: CedarErrorPositionInput): SourcePosition {
  const start = error.sourceLocations?.[0]?.start;
  if (start === undefined) return fallback;
  return (lines ?? new LineIndex(text)).positionOf(utf8OffsetToIndex(text, start));
}
