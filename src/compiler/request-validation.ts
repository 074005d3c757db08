// A method's request validator, compiled with its deployment
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html):
// the required request parameters (checked present and not blank) and, per content type, the
// model the body must conform to. "If no matching content type is found, request validation is
// not performed"; a model for `$default` applies to every content type without its own.
import type { Method, RestApiDefinition } from '../model/rest-api.js';
import type { BodyValidator, ModelSchemas } from './model-schemas.js';
import { InvalidModelSchemaError } from './model-schemas.js';

export interface RequiredParameter {
  readonly location: 'header' | 'path' | 'querystring';
  /** As declared (AWS's message names it so). */
  readonly name: string;
  /** Headers are looked up by their lower-case name. */
  readonly lowerName: string;
}

/** A body check, or why the model cannot be used (a 500 for the method). */
export type BodyCheck = BodyValidator | { readonly broken: string };

export interface RequestValidation {
  /** In AWS's order (sorted by `method.request.{location}.{name}`); empty when parameters are not validated. */
  readonly requiredParameters: readonly RequiredParameter[];
  /** By lower-case media type (`$default` as is); undefined when the body is not validated. */
  readonly bodyChecks: ReadonlyMap<string, BodyCheck> | undefined;
}

const LOCATIONS = new Set(['header', 'path', 'querystring']);

/** Undefined when the method validates nothing (no validator, or one with both checks off). */
export function compileRequestValidation(method: Method, definition: Pick<RestApiDefinition, 'requestValidators'>, schemas: () => ModelSchemas): RequestValidation | undefined {
  const id = method.requestValidatorId;
  if (id === undefined || id === '') return undefined;
  const validator = Object.hasOwn(definition.requestValidators, id) ? definition.requestValidators[id] : undefined;
  if (validator === undefined) return undefined;
  const requiredParameters = validator.validateRequestParameters ? requiredParametersOf(method) : [];
  const bodyChecks = validator.validateRequestBody ? bodyChecksOf(method, schemas) : undefined;
  if (requiredParameters.length === 0 && bodyChecks === undefined) return undefined;
  return Object.freeze({ requiredParameters: Object.freeze(requiredParameters), bodyChecks });
}

function requiredParametersOf(method: Method): RequiredParameter[] {
  const required: RequiredParameter[] = [];
  for (const key of Object.keys(method.requestParameters ?? {}).sort()) {
    if (method.requestParameters?.[key] !== true) continue;
    const [, , location, ...rest] = key.split('.');
    const name = rest.join('.');
    if (!LOCATIONS.has(location) || name === '') continue;
    required.push({ location: location as RequiredParameter['location'], name, lowerName: name.toLowerCase() });
  }
  return required;
}

function bodyChecksOf(method: Method, schemas: () => ModelSchemas): ReadonlyMap<string, BodyCheck> | undefined {
  const models = Object.entries(method.requestModels ?? {});
  if (models.length === 0) return undefined;
  const checks = new Map<string, BodyCheck>();
  for (const [contentType, modelName] of models) {
    const key = contentType === '$default' ? contentType : contentType.trim().toLowerCase();
    try {
      checks.set(key, schemas().validator(modelName));
    } catch (error) {
      if (!(error instanceof InvalidModelSchemaError)) throw error;
      checks.set(key, { broken: `the model ${modelName} cannot be used: ${error.message}` });
    }
  }
  return checks;
}
