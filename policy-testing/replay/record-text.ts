// Finds a record's own JSON text in a log line without parsing it: the key a repeated request is recognised by, so a
// record seen before costs a scan and a hash, not a JSON.parse of its entities.

const RECORD_KEY = '"record":';
const BARE_START = '{"type":"decision-record"';
const TIMESTAMP = ',"timestamp":"';

/**
 * The text of the record object in `line` (a Powertools line's `record`, or a bare record behind any prefix), with
 * its own `timestamp` cut out: two records with the same text ask the same request with the same entities and links
 * and were answered the same way. Undefined when the line holds no whole record object.
 */
export function recordText(line: string): string | undefined {
  const keyAt = line.indexOf(RECORD_KEY);
  const start = keyAt >= 0 ? line.indexOf('{', keyAt + RECORD_KEY.length) : line.indexOf(BARE_START);
  if (start < 0) return undefined;
  const end = objectEnd(line, start);
  if (end < 0) return undefined;
  const text = line.slice(start, end + 1);
  const at = text.indexOf(TIMESTAMP);
  if (at < 0) return text;
  const close = text.indexOf('"', at + TIMESTAMP.length);
  return close < 0 ? text : text.slice(0, at) + text.slice(close + 1);
}

/** The index of the `}` closing the object that opens at `start`, skipping strings; -1 when it never closes. */
function objectEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 92 /* \ */) i++;
      else if (code === 34 /* " */) inString = false;
    } else if (code === 34) inString = true;
    else if (code === 123 /* { */ || code === 91 /* [ */) depth++;
    else if (code === 125 /* } */ || code === 93 /* ] */) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}
