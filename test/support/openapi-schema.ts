/** Just enough of OpenAPI 3.0 to check real answers against the served document. */
export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  nullable?: boolean;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  allOf?: Schema[];
}

export interface Operation {
  summary?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema?: Schema }>; headers?: Record<string, unknown> }>;
}

export interface OpenApiDoc {
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, unknown> };
}

export function resolve(doc: OpenApiDoc, schema: Schema): Schema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  const found = doc.components.schemas[name];
  if (!found) throw new Error(`unknown schema ${schema.$ref}`);
  return resolve(doc, found);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Where `value` departs from `schema`: a field the document does not name, a required field
 * missing, a wrong type, a value outside an enum, a malformed uuid or date-time. [] = conforms.
 * Objects without additionalProperties are closed: an undocumented field is a finding.
 */
export function mismatches(doc: OpenApiDoc, schema: Schema, value: unknown, at = '$'): string[] {
  const s = resolve(doc, schema);
  if (s.allOf) return s.allOf.flatMap((part) => mismatches(doc, part, value, at));
  if (value === null) return s.nullable ? [] : [`${at}: null but not nullable`];
  if (s.enum && !s.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} not in ${JSON.stringify(s.enum)}`];
  switch (s.type) {
    case 'string':
      if (typeof value !== 'string') return [`${at}: expected string, got ${typeof value}`];
      if (s.format === 'uuid' && !UUID.test(value)) return [`${at}: not a uuid`];
      if (s.format === 'date-time' && Number.isNaN(Date.parse(value))) return [`${at}: not a date-time`];
      return [];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${at}: expected integer, got ${JSON.stringify(value)}`];
    case 'number':
      return typeof value === 'number' ? [] : [`${at}: expected number`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at}: expected boolean`];
    case 'array':
      return Array.isArray(value) ? value.flatMap((v, i) => mismatches(doc, s.items ?? {}, v, `${at}[${i}]`)) : [`${at}: expected array`];
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${at}: expected object`];
      const v = value as Record<string, unknown>;
      const props = s.properties ?? {};
      const found = (s.required ?? []).filter((k) => !(k in v)).map((k) => `${at}.${k}: required but missing`);
      for (const [k, child] of Object.entries(v)) {
        if (props[k]) found.push(...mismatches(doc, props[k], child, `${at}.${k}`));
        else if (typeof s.additionalProperties === 'object') found.push(...mismatches(doc, s.additionalProperties, child, `${at}.${k}`));
        else if (s.additionalProperties !== true) found.push(`${at}.${k}: not in the document`);
      }
      return found;
    }
    default:
      return s.type === undefined ? [] : [`${at}: unsupported type ${s.type}`];
  }
}
