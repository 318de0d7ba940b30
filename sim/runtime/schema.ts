/**
 * The JSON Schema checks the ParseJson action applies (the basics Power Automate users meet: type,
 * required, properties, items, enum), with Newtonsoft-like messages ("Invalid type. Expected String but
 * got Null.").
 */
const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'String',
  integer: 'Integer',
  number: 'Number',
  boolean: 'Boolean',
  object: 'Object',
  array: 'Array',
  null: 'Null',
};

function actualType(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function matches(type: string, value: unknown): boolean {
  const actual = actualType(value);
  return type === actual || (type === 'number' && actual === 'integer');
}

/** Problems of `value` against `schema`, each with its JSON path. */
export function validateSchema(value: unknown, schema: unknown, path = '$'): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const rules = schema as Record<string, unknown>;
  const problems: string[] = [];
  const types = rules.type === undefined ? undefined : (Array.isArray(rules.type) ? rules.type : [rules.type]).map(String);
  if (types && !types.some((type) => matches(type, value))) {
    const expected = types.map((type) => TYPE_NAMES[type] ?? type).join(', ');
    problems.push(`Invalid type. Expected ${expected} but got ${TYPE_NAMES[actualType(value)] ?? actualType(value)}. Path '${path}'.`);
    return problems;
  }
  if (Array.isArray(rules.enum) && !rules.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value))) {
    problems.push(`Value ${JSON.stringify(value)} is not defined in enum. Path '${path}'.`);
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const object = value as Record<string, unknown>;
    if (Array.isArray(rules.required)) {
      const missing = rules.required.filter((name) => typeof name === 'string' && !Object.prototype.hasOwnProperty.call(object, name));
      if (missing.length) problems.push(`Required properties are missing from object: ${missing.join(', ')}. Path '${path}'.`);
    }
    const properties = rules.properties;
    if (typeof properties === 'object' && properties !== null) {
      for (const [name, propertySchema] of Object.entries(properties as Record<string, unknown>)) {
        if (Object.prototype.hasOwnProperty.call(object, name))
          problems.push(...validateSchema(object[name], propertySchema, `${path}.${name}`));
      }
    }
  }
  if (Array.isArray(value) && rules.items !== undefined) {
    value.forEach((item, index) => problems.push(...validateSchema(item, rules.items, `${path}[${index}]`)));
  }
  return problems;
}
