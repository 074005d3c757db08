// Parameter mappings resolved at compile time
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-parameter-mapping-sources.html):
// each `integration.request.{location}.{name}` or `method.response.header.{name}` target with its
// source expression compiled by the VTL module.
import { compileParameterSource, type ParameterSource } from '../vtl/index.js';

const NOTHING: ParameterSource = () => undefined;

/**
 * The control plane refuses invalid expressions at ingest; one that still reaches a deployment
 * (an older snapshot) maps to nothing rather than failing the whole compile.
 */
export function compileSource(expression: string): ParameterSource {
  try {
    return compileParameterSource(expression);
  } catch {
    return NOTHING;
  }
}

export type RequestParameterLocation = 'path' | 'querystring' | 'header' | 'multivaluequerystring' | 'multivalueheader';

export interface CompiledRequestParameter {
  readonly location: RequestParameterLocation;
  readonly name: string;
  readonly source: ParameterSource;
}

export interface CompiledHeaderParameter {
  readonly name: string;
  readonly source: ParameterSource;
}

const REQUEST_TARGET = /^integration\.request\.(path|querystring|header|multivaluequerystring|multivalueheader)\.(.+)$/;

/** Unknown targets are skipped (the control plane refuses them at ingest). */
export function compileRequestParameters(parameters: Readonly<Record<string, string>> | undefined): CompiledRequestParameter[] {
  const out: CompiledRequestParameter[] = [];
  if (parameters === undefined) return out;
  for (const [target, expression] of Object.entries(parameters)) {
    const match = REQUEST_TARGET.exec(target);
    if (match === null) continue;
    // `integration.request.path.x ← method.request.path.x` is what the uri gets anyway (path
    // parameters fill same-named slots), so it costs nothing per request.
    if (match[1] === 'path' && expression === `method.request.path.${match[2]}`) continue;
    out.push({ location: match[1] as RequestParameterLocation, name: match[2], source: compileSource(expression) });
  }
  return out;
}

export function compileResponseParameters(parameters: Readonly<Record<string, string>> | undefined): CompiledHeaderParameter[] {
  const out: CompiledHeaderParameter[] = [];
  if (parameters === undefined) return out;
  for (const [target, expression] of Object.entries(parameters)) {
    if (!target.startsWith('method.response.header.')) continue;
    out.push({ name: target.slice('method.response.header.'.length), source: compileSource(expression) });
  }
  return out;
}
