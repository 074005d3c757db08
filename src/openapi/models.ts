// Models from `definitions` (2.0) or `components.schemas` (3.x). On import a schema `$ref` to
// another model becomes AWS's model URL, `https://apigateway.amazonaws.com/restapis/{id}/models/{name}`
// (recorded: LocalStack's AWS import snapshots); on export it goes back to `#/definitions/{name}`
// or `#/components/schemas/{name}` (recorded: AWS export snapshots).
// https://docs.aws.amazon.com/apigateway/latest/developerguide/models-mappings-models.html
import { createHash } from 'node:crypto';
import { isObject, type ImportProblems, type OpenApiDocument } from './document.js';
import type { References } from './refs.js';

export const MODEL_URL_BASE = 'https://apigateway.amazonaws.com/restapis';
const MODEL_URL = /\/restapis\/[^/]+\/models\/([^/#?]+)$/;

export interface PlannedModel {
  name: string;
  /** The schema as written in the document (local `$ref`s not yet rewritten). */
  schema: unknown;
  description?: string;
}

/**
 * Names every schema of the document as a model and answers which model a request or response
 * schema uses. Model names are alphanumeric, so other characters are dropped (unverified: AWS's
 * own renaming rule is not documented). A schema written inline gets a stable generated name,
 * `MODEL` + 6 hex digits of its hash (AWS's naming of inline models unverified).
 */
export class SchemaModels {
  readonly #refs: References;
  readonly #problems: ImportProblems;
  readonly #byRef = new Map<string, string>();
  readonly #models = new Map<string, PlannedModel>();

  constructor(doc: OpenApiDocument, refs: References, problems: ImportProblems) {
    this.#refs = refs;
    this.#problems = problems;
    const [schemas, prefix] = doc.version === 'swagger2'
      ? [doc.root.definitions, '#/definitions/']
      : [isObject(doc.root.components) ? doc.root.components.schemas : undefined, '#/components/schemas/'];
    if (!isObject(schemas)) return;
    for (const [key, schema] of Object.entries(schemas)) {
      const name = key.replace(/[^A-Za-z0-9]/g, '');
      if (name === '' || this.#models.has(name)) {
        problems.error(`Unable to create model for '${key}': Model name must be alphanumeric and unique`); // unverified
        continue;
      }
      const model: PlannedModel = { name, schema };
      if (isObject(schema) && typeof schema.description === 'string' && schema.description !== '') model.description = schema.description;
      this.#models.set(name, model);
      this.#byRef.set(prefix + escapePointer(key), name);
      this.#byRef.set(prefix + key, name);
    }
  }

  /** The model a request/response schema names, creating an inline one when needed. */
  modelFor(schema: unknown, where: string): string | undefined {
    if (!isObject(schema)) return undefined;
    if (typeof schema.$ref === 'string' && Object.keys(schema).length === 1) {
      const named = this.#byRef.get(schema.$ref);
      if (named !== undefined) return named;
      let target: unknown;
      try {
        target = this.#refs.resolve(schema);
      } catch {
        // A missing model reference is a warning (documented example of a warning); wording unverified.
        this.#problems.warn(`Unable to find model reference '${schema.$ref}' for ${where}; no model was set`);
        return undefined;
      }
      return this.modelFor(target, where);
    }
    const name = `MODEL${createHash('sha1').update(JSON.stringify(schema)).digest('hex').slice(0, 6)}`;
    if (!this.#models.has(name)) this.#models.set(name, { name, schema });
    return name;
  }

  models(): PlannedModel[] {
    return [...this.#models.values()];
  }

  /** The schema text stored for `model` in the API `restApiId`, with model references as AWS URLs. */
  render(model: PlannedModel, restApiId: string): string {
    const rewritten = rewriteRefs(model.schema, (ref) => {
      const name = this.#byRef.get(ref);
      if (name !== undefined) return `${MODEL_URL_BASE}/${restApiId}/models/${name}`;
      if (ref.startsWith('#')) this.#problems.warn(`Unable to find model reference '${ref}' in model '${model.name}'`); // wording unverified
      return ref;
    });
    return JSON.stringify(rewritten);
  }
}

/** For export: a stored model schema with AWS model URLs turned into `{target}{name}` refs. */
export function exportSchema(schema: string | undefined, target: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(schema ?? '{}');
  } catch {
    return {};
  }
  return rewriteRefs(parsed, (ref) => {
    const m = MODEL_URL.exec(ref);
    return m ? `${target}${m[1]}` : ref;
  });
}

function rewriteRefs(value: unknown, rewrite: (ref: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, rewrite));
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = key === '$ref' && typeof v === 'string' ? rewrite(v) : rewriteRefs(v, rewrite);
  return out;
}

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
