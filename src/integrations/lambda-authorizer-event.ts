// The event a REST Lambda authorizer receives
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-input.html):
// TOKEN `{type, authorizationToken, methodArn}`; REQUEST the method request as the proxy event
// shows it (headers, query strings, path parameters, stage variables, requestContext), without
// the body, after `type` and `methodArn`. The method ARN names the path as requested
// (`…/prod/GET/pets/42`).
import type { RestRoutedContext } from '../data-plane/pipeline/rest-context.js';
import { proxyEvent } from './lambda-proxy-event.js';

export function authorizerEvent(ctx: RestRoutedContext, type: 'TOKEN' | 'REQUEST', identity: readonly string[], methodArn: string): object {
  if (type === 'TOKEN') return { type, authorizationToken: identity[0], methodArn };
  const { body: _body, isBase64Encoded: _isBase64Encoded, ...request } = proxyEvent(ctx);
  return { type, methodArn, ...request };
}
