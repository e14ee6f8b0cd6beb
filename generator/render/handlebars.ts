// The one Handlebars instance of the generator, with every helper and partial registered here and nowhere else.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { listFileTree } from '../../common/file-tree.js';

export const TEMPLATES_DIR = fileURLToPath(new URL('../templates/', import.meta.url));

let instance: typeof Handlebars | undefined;

export function handlebars(): typeof Handlebars {
  if (instance) return instance;
  const hbs = Handlebars.create();

  /** A value as TypeScript/JSON source, indented to sit at `indent` spaces. */
  hbs.registerHelper('literal', (value: unknown, indent: unknown) => {
    const pad = ' '.repeat(typeof indent === 'number' ? indent : 0);
    return new hbs.SafeString(JSON.stringify(value, null, 2).replace(/\n/g, `\n${pad}`));
  });
  /** A string as a quoted TypeScript string literal. */
  hbs.registerHelper('quote', (value: unknown) => new hbs.SafeString(JSON.stringify(String(value))));
  hbs.registerHelper('join', (values: unknown, separator: unknown) =>
    (Array.isArray(values) ? values : []).join(typeof separator === 'string' ? separator : ', '),
  );
  /** Text for a `/** ... *\/` comment: Cedar ids may hold any character, and `*\/` would end the comment early. */
  hbs.registerHelper('doc', (value: unknown) => String(value).replace(/\*\//g, '*\\/'));
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper('gt', (a: unknown, b: unknown) => typeof a === 'number' && typeof b === 'number' && a > b);
  /** Joins its arguments; the last argument is Handlebars' options object. */
  hbs.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map(String).join(''));
  /** A union of quoted string literals, or `never` when empty. */
  hbs.registerHelper('union', (values: unknown) => {
    const list = Array.isArray(values) ? values : [];
    return new hbs.SafeString(list.length === 0 ? 'never' : list.map((v) => JSON.stringify(String(v))).join(' | '));
  });

  for (const file of listFileTree(TEMPLATES_DIR)) {
    const partial = /^_(.+)\.hbs$/.exec(file);
    if (partial?.[1]) hbs.registerPartial(partial[1], readFileSync(`${TEMPLATES_DIR}${file}`, 'utf8'));
  }
  instance = hbs;
  return hbs;
}

const compiled = new Map<string, HandlebarsTemplateDelegate>();

/** Renders `generator/templates/<name>.hbs`. Templates are compiled once per process. */
export function renderTemplate(name: string, context: object): string {
  let template = compiled.get(name);
  if (!template) {
    template = handlebars().compile(readFileSync(`${TEMPLATES_DIR}${name}.hbs`, 'utf8'), { noEscape: true, strict: true });
    compiled.set(name, template);
  }
  return template(context);
}
