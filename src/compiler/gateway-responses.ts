// Resolves the 21 gateway responses of a deployment once (data-plane.md §5 lookup order):
// the type's own customised response → a customised DEFAULT_4XX/DEFAULT_5XX (by the type's
// default status class) → the built-in default. Field by field: a customisation that sets only
// headers keeps the built-in body.
import type { GatewayResponse, GatewayResponseType } from '../model/rest-api.js';
import type { ParameterSource } from '../vtl/index.js';
import { compileSource } from './parameter-mapping.js';
import { DEFAULT_GATEWAY_RESPONSES, GATEWAY_RESPONSE_TYPES } from '../data-plane/errors/defaults.js';
import { SubstitutionTemplate } from './substitution-template.js';

export interface CompiledGatewayResponse {
  readonly responseType: GatewayResponseType;
  readonly statusCode: number;
  readonly errorType: string | undefined;
  /** `gatewayresponse.header.{name}` mappings. */
  readonly headers: readonly { readonly name: string; readonly source: ParameterSource }[];
  /** Customised templates by content type; undefined → the built-in body. */
  readonly templates: ReadonlyMap<string, SubstitutionTemplate> | undefined;
}

export type CompiledGatewayResponses = Readonly<Record<GatewayResponseType, CompiledGatewayResponse>>;

/** REQUEST_TOO_LARGE cannot be customised (AWS docs: "customising 413 is not supported"). */
const NOT_CUSTOMISABLE: ReadonlySet<GatewayResponseType> = new Set<GatewayResponseType>(['REQUEST_TOO_LARGE']);

export function compileGatewayResponses(custom: Partial<Record<GatewayResponseType, GatewayResponse>> = {}): CompiledGatewayResponses {
  const out = {} as Record<GatewayResponseType, CompiledGatewayResponse>;
  for (const type of GATEWAY_RESPONSE_TYPES) {
    const builtIn = DEFAULT_GATEWAY_RESPONSES[type];
    const builtInStatus = 'statusCode' in builtIn ? Number(builtIn.statusCode) : type === 'DEFAULT_4XX' ? 400 : 500;
    const own = NOT_CUSTOMISABLE.has(type) ? undefined : custom[type];
    const family = NOT_CUSTOMISABLE.has(type) ? undefined : builtInStatus < 500 ? custom.DEFAULT_4XX : custom.DEFAULT_5XX;
    const statusCode = Number(own?.statusCode ?? family?.statusCode ?? builtInStatus);
    const parameters = nonEmpty(own?.responseParameters) ?? nonEmpty(family?.responseParameters) ?? {};
    const templates = nonEmpty(own?.responseTemplates) ?? nonEmpty(family?.responseTemplates);
    out[type] = Object.freeze({
      responseType: type,
      statusCode,
      errorType: 'errorType' in builtIn ? builtIn.errorType : undefined,
      headers: Object.freeze(compileHeaders(parameters)),
      templates: templates === undefined ? undefined : new Map(Object.entries(templates).map(([contentType, source]) => [contentType, SubstitutionTemplate.compile(source)])),
    });
  }
  return Object.freeze(out);
}

/** The responses of an API without customisations (and of requests that reach no API). */
export const BUILT_IN_GATEWAY_RESPONSES: CompiledGatewayResponses = compileGatewayResponses({});

function nonEmpty<T extends object>(value: T | undefined): T | undefined {
  return value !== undefined && Object.keys(value).length > 0 ? value : undefined;
}

function compileHeaders(parameters: Record<string, string>): { name: string; source: ParameterSource }[] {
  const headers: { name: string; source: ParameterSource }[] = [];
  for (const [target, expression] of Object.entries(parameters)) {
    // Only header targets reach the client; querystring/path targets have nothing to act on.
    if (!target.startsWith('gatewayresponse.header.')) continue;
    headers.push({ name: target.slice('gatewayresponse.header.'.length), source: compileSource(expression) });
  }
  return headers;
}
