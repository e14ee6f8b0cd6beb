// Finds where each namespace, entity type, action and common type is declared in a .cedarschema text.
// cedar-wasm's JSON forms carry no positions, so a finding about a declaration needs this to point at its line.
import type { SourcePosition } from '../diagnostics/diagnostic.js';
import { LineIndex } from '../diagnostics/position.js';

export interface DeclarationPositions {
  /** Each `namespace` keyword, in source order, with the namespace's name (`''` for declarations outside any). */
  readonly namespaces: readonly { readonly name: string; readonly at: SourcePosition }[];
  /** Keyed by the name as declared (unqualified): entity types, actions (by id) and common types. */
  readonly entityTypes: ReadonlyMap<string, SourcePosition>;
  readonly actions: ReadonlyMap<string, SourcePosition>;
  readonly commonTypes: ReadonlyMap<string, SourcePosition>;
}

interface Token {
  readonly text: string;
  /** A string literal's value, without quotes. */
  readonly string?: string;
  readonly offset: number;
}

const DECLARATION_KEYWORDS = new Set(['entity', 'action', 'type']);

/** Never throws: text that does not tokenize simply yields fewer positions (cedar-wasm reports the syntax error). */
export function findDeclarations(text: string): DeclarationPositions {
  const lines = new LineIndex(text);
  const tokens = tokenize(text);
  const namespaces: { name: string; at: SourcePosition }[] = [];
  const entityTypes = new Map<string, SourcePosition>();
  const actions = new Map<string, SourcePosition>();
  const commonTypes = new Map<string, SourcePosition>();
  // Depth of braces outside declarations: 0 at top level, 1 directly inside a namespace.
  let depth = 0;
  let outsideRecorded = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (!token) break;
    if (token.text === '{') depth++;
    else if (token.text === '}') depth = Math.max(0, depth - 1);
    else if (token.text === '@') i = skipAnnotation(tokens, i);
    else if (depth === 0 && token.text === 'namespace') {
      const name: string[] = [];
      let j = i + 1;
      while (tokens[j] && tokens[j]?.text !== '{') name.push(tokens[j++]?.text ?? '');
      namespaces.push({ name: name.join(''), at: lines.positionOf(token.offset) });
      i = j - 1;
    } else if (depth <= 1 && DECLARATION_KEYWORDS.has(token.text)) {
      if (depth === 0 && !outsideRecorded) {
        namespaces.push({ name: '', at: lines.positionOf(token.offset) });
        outsideRecorded = true;
      }
      const target = token.text === 'entity' ? entityTypes : token.text === 'action' ? actions : commonTypes;
      i = readNames(tokens, i + 1, (name, offset) => {
        if (!target.has(name)) target.set(name, lines.positionOf(offset));
      });
      // Skip the declaration's body: braces inside it are not namespace braces.
      i = skipToSemicolon(tokens, i);
    }
  }
  return { namespaces, entityTypes, actions, commonTypes };
}

/** Reads `a, b, "c"` starting at `start`; returns the index of the last token read. */
function readNames(tokens: readonly Token[], start: number, found: (name: string, offset: number) => void): number {
  let i = start;
  for (;;) {
    const name = tokens[i];
    if (!name) return i - 1;
    found(name.string ?? name.text, name.offset);
    if (tokens[i + 1]?.text !== ',') return i;
    i += 2;
  }
}

function skipToSemicolon(tokens: readonly Token[], start: number): number {
  let nesting = 0;
  for (let i = start; i < tokens.length; i++) {
    const text = tokens[i]?.text;
    if (text === '{' || text === '[' || text === '<') nesting++;
    else if (text === '}' || text === ']' || text === '>') nesting--;
    else if (text === ';' && nesting <= 0) return i;
    if (nesting < 0) return i - 1;
  }
  return tokens.length;
}

/** `@name` or `@name("text")`. */
function skipAnnotation(tokens: readonly Token[], at: number): number {
  let i = at + 1;
  if (tokens[i + 1]?.text === '(') {
    i += 1;
    while (tokens[i] && tokens[i]?.text !== ')') i++;
  }
  return i;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text.charAt(i);
    if (/\s/.test(char)) {
      i++;
    } else if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end;
    } else if (char === '"') {
      let j = i + 1;
      let value = '';
      while (j < text.length && text.charAt(j) !== '"') {
        if (text.charAt(j) === '\\') j++;
        value += text.charAt(j);
        j++;
      }
      tokens.push({ text: text.slice(i, j + 1), string: value, offset: i });
      i = j + 1;
    } else if (/[A-Za-z_]/.test(char)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 256));
      const word = match?.[0] ?? char;
      tokens.push({ text: word, offset: i });
      i += word.length;
    } else if (text.startsWith('::', i)) {
      tokens.push({ text: '::', offset: i });
      i += 2;
    } else {
      tokens.push({ text: char, offset: i });
      i++;
    }
  }
  return tokens;
}
