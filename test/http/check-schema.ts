// Holds a JSON value against a schema of src/http/openapi.json, for the JSON Schema subset that document uses (no
// dependency). Stricter than JSON Schema in one way: a property that an object schema with `properties` does not name
// is a problem unless `additionalProperties` allows it, so a test fails when the code returns a field the document
// does not describe. A keyword outside the subset throws: a schema cannot pass by using what is not checked.
import { isDeepStrictEqual } from 'node:util';

type Schema = Record<string, unknown>;

const CHECKED = new Set([
  '$ref',
  'type',
  'enum',
  'const',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'allOf',
  'oneOf',
]);
/** Annotations: they say nothing a value could break. */
const IGNORED = new Set(['title', 'description', 'format', 'examples', 'default', 'deprecated']);

/** The problems of `value` against `schema`, one sentence each with its place (`$.jobs[0].name`); [] when it fits. */
export function checkSchema(value: unknown, schema: unknown, document: unknown): string[] {
  const problems: string[] = [];
  check(value, schema, '$', document, problems, false);
  return problems;
}

/** The value a local `$ref` (`#/components/schemas/Job`) points at in `document`; throws when there is none. */
export function resolveRef(document: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`${ref}: only references inside the document (#/...) are supported`);
  let target = document;
  for (const part of ref.slice(2).split('/')) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(target) || !Object.hasOwn(target, key)) throw new Error(`${ref}: '${key}' is not in the document`);
    target = target[key];
  }
  return target;
}

/** `open`: skip the check for unnamed properties here (an allOf branch: the allOf names them all). */
function check(
  value: unknown,
  schema: unknown,
  at: string,
  document: unknown,
  problems: string[],
  open: boolean,
): void {
  if (!isObject(schema)) throw new Error(`${at}: the schema is not an object: ${JSON.stringify(schema)}`);
  for (const key of Object.keys(schema))
    if (!CHECKED.has(key) && !IGNORED.has(key))
      throw new Error(`${at}: the checker does not know the keyword '${key}'`);
  if (typeof schema.$ref === 'string') check(value, resolveRef(document, schema.$ref), at, document, problems, open);
  if (schema.type !== undefined) {
    const types = (Array.isArray(schema.type) ? schema.type : [schema.type]) as string[];
    if (!types.some((type) => isOfType(value, type))) {
      problems.push(`${at}: expected ${types.join(' or ')}, got ${preview(value)}`);
      return;
    }
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((item) => isDeepStrictEqual(item, value)))
    problems.push(`${at}: expected one of ${JSON.stringify(schema.enum)}, got ${preview(value)}`);
  if ('const' in schema && !isDeepStrictEqual(schema.const, value))
    problems.push(`${at}: expected ${JSON.stringify(schema.const)}, got ${preview(value)}`);
  if (typeof value === 'string') checkString(value, schema, at, problems);
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum)
      problems.push(`${at}: expected at least ${schema.minimum}, got ${value}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum)
      problems.push(`${at}: expected at most ${schema.maximum}, got ${value}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems)
      problems.push(`${at}: expected at least ${schema.minItems} items, got ${value.length}`);
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
      problems.push(`${at}: expected at most ${schema.maxItems} items, got ${value.length}`);
    if (schema.items !== undefined)
      value.forEach((item, index) => check(item, schema.items, `${at}[${index}]`, document, problems, false));
  }
  if (isObject(value)) checkObject(value, schema, at, document, problems, open);
  if (Array.isArray(schema.allOf))
    for (const branch of schema.allOf) check(value, branch, at, document, problems, true);
  if (Array.isArray(schema.oneOf)) {
    const fits = schema.oneOf.map((branch) => {
      const found: string[] = [];
      check(value, branch, at, document, found, open);
      return found;
    });
    const matched = fits.filter((found) => found.length === 0).length;
    if (matched !== 1)
      problems.push(
        `${at}: expected to fit exactly one of ${fits.length} schemas (oneOf), fits ${matched}` +
          (matched === 0 ? `: ${fits.map((found) => found.join('; ')).join(' | ')}` : ''),
      );
  }
}

function checkString(value: string, schema: Schema, at: string, problems: string[]): void {
  const length = [...value].length;
  if (typeof schema.minLength === 'number' && length < schema.minLength)
    problems.push(`${at}: expected at least ${schema.minLength} characters, got ${length}`);
  if (typeof schema.maxLength === 'number' && length > schema.maxLength)
    problems.push(`${at}: expected at most ${schema.maxLength} characters, got ${length}`);
  if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value))
    problems.push(`${at}: expected to match ${schema.pattern}, got ${preview(value)}`);
}

function checkObject(
  value: Schema,
  schema: Schema,
  at: string,
  document: unknown,
  problems: string[],
  open: boolean,
): void {
  if (Array.isArray(schema.required))
    for (const key of schema.required as string[])
      if (!Object.hasOwn(value, key)) problems.push(`${at}: missing required property '${key}'`);
  const properties = isObject(schema.properties) ? schema.properties : {};
  for (const [key, item] of Object.entries(value))
    if (Object.hasOwn(properties, key)) check(item, properties[key], `${at}.${key}`, document, problems, false);
  if (open || (schema.properties === undefined && schema.allOf === undefined)) return;
  const named = namedProperties(schema, document);
  for (const [key, item] of Object.entries(value)) {
    if (named.has(key) || schema.additionalProperties === true) continue;
    if (isObject(schema.additionalProperties))
      check(item, schema.additionalProperties, `${at}.${key}`, document, problems, false);
    else problems.push(`${at}: property '${key}' is not in the document`);
  }
}

/** The properties a schema names, with those of its $ref and allOf branches. */
function namedProperties(schema: unknown, document: unknown): Set<string> {
  const named = new Set<string>();
  if (!isObject(schema)) return named;
  if (isObject(schema.properties)) for (const key of Object.keys(schema.properties)) named.add(key);
  if (typeof schema.$ref === 'string')
    for (const key of namedProperties(resolveRef(document, schema.$ref), document)) named.add(key);
  if (Array.isArray(schema.allOf))
    for (const branch of schema.allOf) for (const key of namedProperties(branch, document)) named.add(key);
  return named;
}

function isOfType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return Number.isInteger(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    default:
      throw new Error(`unknown type '${type}'`);
  }
}

function isObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function preview(value: unknown): string {
  const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  const text = JSON.stringify(value) ?? String(value);
  return kind === 'object' || kind === 'an array'
    ? kind
    : `${kind} ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}
