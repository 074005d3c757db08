// What HTTP API parameter mapping reads besides the request or response itself: `$context.*`
// and `$stageVariables.*` (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html;
// the variables: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html).
import type { MappingSources, RequestSources } from '../../compiler/http-parameter-mapping.js';
import { queryPairs } from '../../compiler/http-parameter-mapping.js';
import { clfTime } from '../pipeline/context-variables.js';
import type { HttpRoutedContext } from './http-context.js';

/** A `$context` variable of an HTTP API request by its dotted name; undefined when it has none. */
export function httpContextVariable(ctx: HttpRoutedContext, name: string): string | undefined {
  switch (name) {
    case 'requestId':
    case 'extendedRequestId':
      return ctx.httpApiRequestId;
    case 'apiId':
      return ctx.apiId;
    case 'accountId':
      return ctx.services.env.accountId;
    case 'stage':
      return ctx.stage.stageName;
    case 'routeKey':
      return ctx.plan.routeKey;
    case 'httpMethod':
      return ctx.httpMethod;
    case 'path':
      return ctx.rawPath;
    case 'protocol':
      return ctx.protocol;
    case 'domainName':
      return ctx.domainName;
    case 'domainPrefix': {
      const dot = ctx.domainName.indexOf('.');
      return dot === -1 ? ctx.domainName : ctx.domainName.slice(0, dot);
    }
    case 'requestTime':
      return clfTime(ctx.requestTimeEpoch);
    case 'requestTimeEpoch':
      return String(ctx.requestTimeEpoch);
    case 'identity.sourceIp':
      return ctx.sourceIp;
    case 'identity.userAgent':
      return ctx.header('user-agent');
    default:
      return authorizerValue(ctx, name);
  }
}

/** `authorizer.claims.x` (JWT), `authorizer.x` (Lambda context), `identity.*` (IAM callers). */
function authorizerValue(ctx: HttpRoutedContext, name: string): string | undefined {
  if (name.startsWith('identity.')) {
    const value = (ctx.identity as Record<string, unknown> | undefined)?.[name.slice('identity.'.length)];
    return typeof value === 'string' ? value : undefined;
  }
  if (!name.startsWith('authorizer.')) return undefined;
  const authorizer = ctx.authorizer as { jwt?: { claims?: Record<string, unknown> }; lambda?: Record<string, unknown> } | undefined;
  const rest = name.slice('authorizer.'.length);
  const value = rest.startsWith('claims.') ? authorizer?.jwt?.claims?.[rest.slice('claims.'.length)] : authorizer?.lambda?.[rest];
  return value === undefined || value === null ? undefined : String(value);
}

export function responseSources(ctx: HttpRoutedContext, headers: readonly string[], body: Buffer | undefined): MappingSources {
  return { headers, body, context: (name) => httpContextVariable(ctx, name), stageVariables: ctx.stage.variables };
}

export function requestSources(ctx: HttpRoutedContext): RequestSources {
  const query: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  const pairs = queryPairs(ctx.rawQuery);
  for (let i = 0; i < pairs.length; i += 2) (query[pairs[i]] ??= []).push(pairs[i + 1]);
  return {
    headers: ctx.rawHeaders,
    body: ctx.body,
    context: (name) => httpContextVariable(ctx, name),
    stageVariables: ctx.stage.variables,
    query,
    pathParameters: ctx.pathParameters ?? {},
    path: ctx.path,
  };
}

/**
 * The integration's `responseParameters` for the backend's status: headers rewritten in place,
 * the status to send answered. A streamed body is not read for `$response.body…` (those find
 * nothing; a buffered one, such as a Lambda's answer, is read).
 */
export function mapResponse(ctx: HttpRoutedContext, statusCode: number, headers: string[], backendHeaders: readonly string[], body: Buffer | undefined): number {
  const mapping = ctx.plan.integration.responseMapping;
  return mapping === undefined ? statusCode : mapping.apply(statusCode, headers, responseSources(ctx, backendHeaders, body));
}
