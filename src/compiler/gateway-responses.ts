// Resolves the 21 gateway responses of a deployment once
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-gatewayResponse-definition.html):
// the type's own customised response → a customised DEFAULT_4XX/DEFAULT_5XX (by the type's default
// status class) → the built-in default. The whole response is picked, as GetGatewayResponse shows
// it: a type's own customisation takes nothing from DEFAULT_4XX/5XX; a type still default takes
// DEFAULT_4XX/5XX's headers and templates, and its status code only when DEFAULT_4XX/5XX sets one.
// Templates equal to AWS's default template render the built-in body (the spaced 5xx bodies, the
// plain 413).
import type { GatewayResponse, GatewayResponseType } from '../model/rest-api.js';
import type { ParameterSource } from '../vtl/index.js';
import { compileSource } from './parameter-mapping.js';
import { DEFAULT_GATEWAY_RESPONSES, DEFAULT_GATEWAY_RESPONSE_TEMPLATE, GATEWAY_RESPONSE_TYPES } from '../data-plane/errors/defaults.js';
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
    const chosen = own ?? family;
    const statusCode = Number(chosen?.statusCode ?? builtInStatus);
    const parameters = chosen?.responseParameters ?? {};
    const templates = customTemplates(chosen?.responseTemplates);
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

/** Templates that change the body; undefined for none or AWS's default template alone. */
function customTemplates(templates: Record<string, string> | undefined): Record<string, string> | undefined {
  if (templates === undefined) return undefined;
  const types = Object.keys(templates);
  if (types.length === 0) return undefined;
  if (types.length === 1 && templates['application/json'] === DEFAULT_GATEWAY_RESPONSE_TEMPLATE) return undefined;
  return templates;
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
