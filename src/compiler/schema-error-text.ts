// `$context.error.validationErrorString` for a body that fails its model: the messages of the
// JSON Schema validator API Gateway reports, one per failed check, in a list
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html,
// `$context.error.validationErrorString`). The wording follows the draft-4 validator AWS's
// messages come from (`object has missing required properties (["a"])`, `instance type (string)
// does not match any allowed primitive type (allowed: ["integer"])`); unverified against
// AWS-recorded responses for the keywords past `required` and `type`.
import type { ErrorObject } from 'ajv';

const json = (value: unknown): string => JSON.stringify(value) ?? 'null';

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function messageOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const data = error.data;
  switch (error.keyword) {
    case 'type': {
      const allowed = Array.isArray(params.type) ? params.type : String(params.type).split(',');
      return `instance type (${typeOf(data)}) does not match any allowed primitive type (allowed: ${json(allowed)})`;
    }
    case 'enum':
      return `instance value (${json(data)}) not found in enum (possible values: ${json(params.allowedValues)})`;
    case 'minimum':
      return `numeric instance is lower than the required minimum (minimum: ${String(params.limit)}, found: ${json(data)})`;
    case 'maximum':
      return `numeric instance is greater than the required maximum (maximum: ${String(params.limit)}, found: ${json(data)})`;
    case 'minLength':
      return `string ${json(data)} is too short (length: ${String(data).length}, required minimum: ${String(params.limit)})`;
    case 'maxLength':
      return `string ${json(data)} is too long (length: ${String(data).length}, maximum allowed: ${String(params.limit)})`;
    case 'pattern':
      return `ECMA 262 regex ${json(params.pattern)} does not match input string ${json(data)}`;
    case 'minItems':
      return `array is too short: must have at least ${String(params.limit)} elements but instance has ${(data as unknown[]).length} elements`;
    case 'maxItems':
      return `array is too long: must have at most ${String(params.limit)} elements but instance has ${(data as unknown[]).length} elements`;
    default:
      return `${error.instancePath === '' ? 'instance' : error.instancePath} ${error.message ?? 'is invalid'}`;
  }
}

/** The list AWS puts in `validationErrorString`: `[message, message]`. */
export function schemaErrorText(errors: readonly ErrorObject[]): string {
  // One message per object for all its missing properties, and one for its unexpected ones.
  const grouped = new Map<string, string[]>();
  const lines: (string | { group: string; message: (names: string) => string })[] = [];
  const group = (key: string, name: string, message: (names: string) => string): void => {
    const names = grouped.get(key);
    if (names !== undefined) return void names.push(name);
    grouped.set(key, [name]);
    lines.push({ group: key, message });
  };
  for (const error of errors) {
    const params = error.params as Record<string, unknown>;
    if (error.keyword === 'required') {
      group(`required ${error.instancePath}`, String(params.missingProperty), (names) => `object has missing required properties (${names})`);
    } else if (error.keyword === 'additionalProperties') {
      group(`additional ${error.instancePath}`, String(params.additionalProperty),
        (names) => `object instance has properties which are not allowed by the schema: ${names}`);
    } else lines.push(messageOf(error));
  }
  const text = lines.map((line) => (typeof line === 'string' ? line : line.message(json(grouped.get(line.group)!.sort()))));
  return `[${text.join(', ')}]`;
}
