// Parameter-mapping checks at ingest: targets (`integration.request.header.x`,
// `method.response.header.x`) and sources parsed by the vtl module's parameter-expression
// parser, so the data plane never meets an expression it cannot resolve.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/request-response-data-mappings.html
import { parseParameterExpression } from '../../vtl/index.js';
import type { Method } from '../../model/rest-api.js';
import { invalidMapping } from './validation.js';

type SourceKind = 'method.request' | 'integration.response' | 'stageVariables' | 'context' | 'static';

export const INTEGRATION_REQUEST_TARGET = /^integration\.request\.(path|querystring|header|multivaluequerystring|multivalueheader)\.([^\s]+)$/;
export const METHOD_RESPONSE_TARGET = /^method\.response\.header\.([^\s]+)$/;

/**
 * Checks one source expression. `method.request.{location}.{name}` must be declared in the
 * method request (AWS: "Invalid mapping expression parameter specified: ..." — the
 * envelope is recorded, this detail text is from the AWS docs/issue reports, unverified).
 */
export function checkSource(expression: string, allowed: readonly SourceKind[], method?: Method, requireDeclared = true): void {
  let parsed: ReturnType<typeof parseParameterExpression>;
  try {
    parsed = parseParameterExpression(expression);
  } catch {
    // recorded: "... errors : [Invalid mapping expression specified: true]"
    throw invalidMapping(`Invalid mapping expression specified: ${expression}`);
  }
  if (!allowed.includes(parsed.kind)) throw invalidMapping(`Invalid mapping expression specified: ${expression}`);
  if (requireDeclared && parsed.kind === 'method.request' && parsed.location !== undefined && parsed.location !== 'body') {
    const declared = `method.request.${parsed.location}.${parsed.name ?? ''}`;
    if (!method?.requestParameters || !Object.hasOwn(method.requestParameters, declared)) {
      throw invalidMapping(`Invalid mapping expression parameter specified: ${declared}`);
    }
  }
}
