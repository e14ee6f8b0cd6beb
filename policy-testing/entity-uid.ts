// Reads and writes entity uids in Cedar's own syntax, `Ns::User::"alice"`, as suites and reports spell them.
import type { TypeAndId } from '@cedar-policy/cedar-wasm/nodejs';

const UID = /^((?:[A-Za-z_][A-Za-z0-9_]*::)*[A-Za-z_][A-Za-z0-9_]*)::"((?:[^"\\]|\\.)*)"$/;

/** Parses `Type::"id"`; undefined when the text is not a uid (a bare fixture id such as `alice`). */
export function parseEntityUid(text: string): TypeAndId | undefined {
  const match = UID.exec(text);
  if (!match?.[1] || match[2] === undefined) return undefined;
  const id = unescapeCedarString(match[2]);
  return id === undefined ? undefined : { type: match[1], id };
}

export function formatEntityUid(uid: TypeAndId): string {
  return `${uid.type}::"${escapeCedarString(uid.id)}"`;
}

export function sameUid(a: TypeAndId, b: TypeAndId): boolean {
  return a.type === b.type && a.id === b.id;
}

/** Cedar's string escapes: \n \r \t \0 \\ \' \" and \u{hex}. */
function unescapeCedarString(body: string): string | undefined {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const char = body[i];
    if (char !== '\\') {
      out += char;
      continue;
    }
    const next = body[++i];
    switch (next) {
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case '0':
        out += '\0';
        break;
      case '\\':
      case "'":
      case '"':
        out += next;
        break;
      case 'u': {
        const hex = /^\{([0-9a-fA-F]{1,6})\}/.exec(body.slice(i + 1));
        if (!hex?.[1]) return undefined;
        out += String.fromCodePoint(parseInt(hex[1], 16));
        i += hex[0].length;
        break;
      }
      default:
        return undefined;
    }
  }
  return out;
}

function escapeCedarString(id: string): string {
  return id.replace(
    /[\\"\n\r\t\0]/g,
    (char) => ({ '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0' })[char] ?? char,
  );
}
