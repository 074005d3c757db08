// An API's models as JSON Schema draft 4 validators, compiled with ajv
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/models-mappings-models.html). Each
// model is registered under the URL AWS resolves model references by,
// `https://apigateway.amazonaws.com/restapis/{apiId}/models/{name}`, so a model can use another
// through `$ref` as well as its own `#/definitions`. A reference to a model that does not exist
// (yet: an OpenAPI import creates models in document order) is treated as `{}` (unverified).
// `pattern` runs on RE2 (linear time): a pattern only a backtracking engine can run (lookaround,
// backreferences) is refused with the model, so a caller's body can never make one explode
// (Archway's own rule; AWS's Java validator runs them). Validity is decided with ajv stopping at
// the first error; the full list for `validationErrorString` is made only for bodies small enough
// (a 10 MB body failing everywhere would otherwise build hundreds of MB of messages).
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import type { Model } from '../model/rest-api.js';
import { javaPattern } from '../vtl/java-regex.js';
import { schemaErrorText } from './schema-error-text.js';

const MODEL_URL_BASE = 'https://apigateway.amazonaws.com/restapis/';

export const modelUrl = (apiId: string, name: string): string => `${MODEL_URL_BASE}${apiId}/models/${name}`;

/** Validates a parsed body of `bodyBytes`: undefined when it conforms, else `$context.error.validationErrorString`. */
export type BodyValidator = (body: unknown, bodyBytes: number) => string | undefined;

/** A schema AWS refuses (CreateModel, UpdateModel): each problem as AWS words it. */
export class InvalidModelSchemaError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid model specified: Validation Result: warnings : [], errors : [${problems.join(', ')}]`);
    this.name = 'InvalidModelSchemaError';
  }
}

/** A pattern a model may not use: it needs a backtracking engine. */
class BacktrackingPatternError extends Error {}

/** ajv's `code.regExp`: JSON Schema `pattern` (a search, not a whole match) on RE2 only. */
const linearRegExp = Object.assign(
  (source: string) => {
    const pattern = javaPattern(source);
    if (!pattern.linear) throw new BacktrackingPatternError(`pattern ${source} needs a backtracking engine`);
    return { test: (subject: string): boolean => pattern.find(subject) };
  },
  { code: 'javaPattern' },
);

/** Bodies up to this size get every failed check in `validationErrorString`; larger ones the first. */
const FULL_REPORT_BYTES = 64 * 1024;

// Both packages are CommonJS whose export is also their `default` (what the types describe).
const Ajv04 = ajvDraft04.default;
const addFormats = ajvFormats.default;

function newAjv(allErrors: boolean): InstanceType<typeof Ajv04> {
  // strict off: models carry keywords the validator ignores (title, example, x-…), as AWS's does.
  // ownProperties: a body is JSON; `required: ["constructor"]` must not be met by Object.prototype.
  const ajv = new Ajv04({ allErrors, strict: false, verbose: true, ownProperties: true, code: { regExp: linearRegExp } });
  // The draft-4 formats (unverified which of them AWS checks).
  addFormats(ajv, ['date-time', 'email', 'hostname', 'ipv4', 'ipv6', 'uri']);
  return ajv;
}

/** The schema text parsed, without `$schema` (every model is draft 4 whatever it declares). */
function parseSchema(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    const { $schema: _ignored, ...schema } = parsed as Record<string, unknown>;
    return schema;
  } catch {
    return undefined;
  }
}

/** Every `$ref` value in a schema. */
function referencesOf(schema: unknown, into: string[] = []): string[] {
  if (Array.isArray(schema)) for (const item of schema) referencesOf(item, into);
  else if (schema !== null && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === '$ref' && typeof value === 'string') into.push(value);
      else referencesOf(value, into);
    }
  }
  return into;
}

export class ModelSchemas {
  /** Stops at the first failed check: whether a body conforms. */
  readonly #first = newAjv(false);
  /** Every failed check: the list a small body's `validationErrorString` gives. */
  readonly #full = newAjv(true);
  readonly #apiId: string;
  readonly #validators = new Map<string, BodyValidator>();
  /** The schemas registered with ajv, by model URL. */
  readonly #registered = new Map<string, unknown>();

  constructor(apiId: string, models: Readonly<Record<string, Model>>) {
    this.#apiId = apiId;
    for (const model of Object.values(models)) {
      const schema = parseSchema(model.schema);
      if (schema !== undefined) this.#register(modelUrl(apiId, model.name), schema);
    }
  }

  /** The validator of a model, compiled once; throws InvalidModelSchemaError when it cannot be. */
  validator(name: string): BodyValidator {
    let validator = this.#validators.get(name);
    if (validator === undefined) {
      validator = this.#compile(name);
      this.#validators.set(name, validator);
    }
    return validator;
  }

  #register(url: string, schema: unknown): void {
    try {
      this.#first.addSchema(schema as object, url);
      this.#full.addSchema(schema as object, url);
      this.#registered.set(url, schema);
    } catch {
      // Not draft 4 (or a duplicate `id`): the model fails when a method uses it.
    }
  }

  #compile(name: string): BodyValidator {
    const url = modelUrl(this.#apiId, name);
    const schema = this.#registered.get(url);
    if (schema === undefined) throw new InvalidModelSchemaError(['Invalid model schema specified']);
    let first: ValidateFunction;
    let full: ValidateFunction;
    try {
      this.#stubMissingReferences(schema);
      first = this.#first.compile({ $ref: url });
      full = this.#full.compile({ $ref: url });
    } catch (error) {
      if (error instanceof BacktrackingPatternError) {
        throw new InvalidModelSchemaError(['Invalid model schema specified', `${error.message}: Archway runs patterns in linear time only (RE2 syntax)`]);
      }
      throw new InvalidModelSchemaError(['Invalid model schema specified']);
    }
    return (body, bodyBytes) => {
      try {
        if (first(body)) return undefined;
        if (bodyBytes > FULL_REPORT_BYTES) return schemaErrorText(first.errors ?? []);
        full(body);
        return schemaErrorText(full.errors ?? first.errors ?? []);
      } catch (error) {
        // A body nested deeper than the stack against a recursive model.
        if (error instanceof RangeError) return '[instance is nested too deeply to validate]'; // Archway's own text
        throw error;
      }
    };
  }

  /** References to models of this API that do not exist become `{}`. */
  #stubMissingReferences(schema: unknown, seen = new Set<string>()): void {
    for (const ref of referencesOf(schema)) {
      const target = ref.split('#')[0];
      if (!target.startsWith(MODEL_URL_BASE) || seen.has(target)) continue;
      seen.add(target);
      const existing = this.#registered.get(target);
      if (existing !== undefined) this.#stubMissingReferences(existing, seen);
      else this.#register(target, {});
    }
  }
}

/**
 * CreateModel/UpdateModel's check of a schema for API `apiId`: valid draft 4, and every reference
 * to another model in AWS's canonical form (messages recorded in AWS answers quoted by users:
 * "Invalid model schema specified", "Model reference must be in canonical form").
 */
export function checkModelSchema(apiId: string, models: Readonly<Record<string, Model>>, name: string, schemaText: string): void {
  const schema = parseSchema(schemaText);
  if (schema === undefined) throw new InvalidModelSchemaError(['Invalid model schema specified']);
  const canonical = new RegExp(`^${MODEL_URL_BASE.replaceAll('.', '\\.')}[^/#]+/models/[A-Za-z0-9]+(#.*)?$`);
  let references: string[];
  try {
    references = referencesOf(schema);
  } catch {
    throw new InvalidModelSchemaError(['Invalid model schema specified']); // nested deeper than the stack
  }
  if (references.some((ref) => !ref.startsWith('#') && !canonical.test(ref))) {
    throw new InvalidModelSchemaError(['Invalid model schema specified', 'Model reference must be in canonical form']);
  }
  const candidate = { ...models, [name]: { id: '', name, contentType: 'application/json', schema: schemaText } };
  new ModelSchemas(apiId, candidate).validator(name);
}
