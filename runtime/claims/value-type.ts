// Parses a value type spelled as Cedar schemas spell it (`Set<decimal>`, `{ city: String, zip?: String }`) into a tree,
// once at init, and prints a tree back in the one canonical spelling the generator writes.
import { EXTENSION_TYPES, type ExtensionType } from '../config.js';

export type ParsedValueType =
  | { readonly kind: 'String' }
  | { readonly kind: 'Long' }
  | { readonly kind: 'Boolean' }
  | { readonly kind: 'Extension'; readonly name: ExtensionType }
  | { readonly kind: 'Set'; readonly element: ParsedValueType }
  | { readonly kind: 'Entity'; readonly name: string }
  | {
      readonly kind: 'Record';
      readonly attributes: Readonly<Record<string, { readonly type: ParsedValueType; readonly required: boolean }>>;
    };

/** A spelling that is not a Cedar value type; the message says where and what was expected. */
export class ValueTypeSpellingError extends Error {
  override readonly name = 'ValueTypeSpellingError';
}

const PRIMITIVES = { String: 'String', Long: 'Long', Boolean: 'Boolean', Bool: 'Boolean' } as const;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseValueType(spelling: string): ParsedValueType {
  const parser = new Parser(spelling);
  const type = parser.type();
  parser.end();
  return type;
}

export function formatValueType(type: ParsedValueType): string {
  switch (type.kind) {
    case 'String':
    case 'Long':
    case 'Boolean':
      return type.kind;
    case 'Extension':
      return type.name;
    case 'Set':
      return `Set<${formatValueType(type.element)}>`;
    case 'Entity':
      return `Entity<${type.name}>`;
    case 'Record': {
      const names = Object.keys(type.attributes).sort();
      if (names.length === 0) return '{}';
      const parts = names.map((name) => {
        const attribute = type.attributes[name];
        const label = IDENTIFIER.test(name) ? name : JSON.stringify(name);
        return attribute ? `${label}${attribute.required ? '' : '?'}: ${formatValueType(attribute.type)}` : label;
      });
      return `{ ${parts.join(', ')} }`;
    }
  }
}

/** A recursive-descent reader over one spelling; whitespace between tokens is free, as in `.cedarschema` files. */
class Parser {
  private position = 0;

  constructor(private readonly text: string) {}

  type(): ParsedValueType {
    this.skipSpace();
    if (this.peek() === '{') return this.record();
    const name = this.path();
    if (name === '') throw this.error('expected a type');
    if (name in PRIMITIVES) return { kind: PRIMITIVES[name as keyof typeof PRIMITIVES] };
    if ((EXTENSION_TYPES as readonly string[]).includes(name)) return { kind: 'Extension', name: name as ExtensionType };
    if (name === 'Set') {
      this.expect('<', 'after Set');
      const element = this.type();
      this.expect('>', 'to close Set<');
      return { kind: 'Set', element };
    }
    if (name === 'Entity') {
      this.expect('<', 'after Entity');
      this.skipSpace();
      const start = this.position;
      const entityType = this.path();
      if (entityType === '') throw this.error('expected an entity type name such as Ns::User', start);
      this.expect('>', 'to close Entity<');
      return { kind: 'Entity', name: entityType };
    }
    throw this.error(
      `unknown type ${JSON.stringify(name)}: expected String, Long, Boolean, decimal, ipaddr, datetime, duration, ` +
        'Set<T>, Entity<Ns::Type> or a record { name: T }',
      this.position - name.length,
    );
  }

  end(): void {
    this.skipSpace();
    if (this.position < this.text.length) throw this.error('unexpected text after the type');
  }

  private record(): ParsedValueType {
    this.position += 1;
    const attributes = new Map<string, { type: ParsedValueType; required: boolean }>();
    for (;;) {
      this.skipSpace();
      if (this.peek() === '}') break;
      const start = this.position;
      const name = this.attributeName();
      if (attributes.has(name)) throw this.error(`attribute ${JSON.stringify(name)} is declared twice`, start);
      this.skipSpace();
      const optional = this.peek() === '?';
      if (optional) this.position += 1;
      this.expect(':', `after attribute ${JSON.stringify(name)}`);
      attributes.set(name, { type: this.type(), required: !optional });
      this.skipSpace();
      if (this.peek() === ',') {
        this.position += 1;
        continue;
      }
      if (this.peek() !== '}') throw this.error('expected "," or "}" in the record');
    }
    this.position += 1;
    // fromEntries defines own properties: an attribute named __proto__ stays an attribute.
    return { kind: 'Record', attributes: Object.fromEntries(attributes) };
  }

  private attributeName(): string {
    if (this.peek() === '"') {
      const close = this.text.indexOf('"', this.position + 1);
      if (close < 0) throw this.error('unterminated quoted attribute name');
      const name = this.text.slice(this.position + 1, close);
      this.position = close + 1;
      return name;
    }
    const name = this.identifier();
    if (name === '') throw this.error('expected an attribute name');
    return name;
  }

  /** An identifier, or a `::`-separated path of them (`Ns::Sub::Type`). */
  private path(): string {
    let name = this.identifier();
    while (name !== '' && this.text.startsWith('::', this.position)) {
      this.position += 2;
      const next = this.identifier();
      if (next === '') throw this.error('expected a name after "::"');
      name += `::${next}`;
    }
    return name;
  }

  private identifier(): string {
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.position));
    if (!match) return '';
    this.position += match[0].length;
    return match[0];
  }

  private expect(symbol: string, where: string): void {
    this.skipSpace();
    if (this.peek() !== symbol) throw this.error(`expected "${symbol}" ${where}`);
    this.position += 1;
  }

  private peek(): string | undefined {
    return this.text[this.position];
  }

  private skipSpace(): void {
    while (this.position < this.text.length && /\s/.test(this.text[this.position] ?? '')) this.position += 1;
  }

  private error(message: string, at = this.position): ValueTypeSpellingError {
    const found = at < this.text.length ? `at column ${at + 1}` : 'at the end';
    return new ValueTypeSpellingError(`${JSON.stringify(this.text)}: ${message} (${found})`);
  }
}
