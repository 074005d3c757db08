// `AWS_IAM` routes of HTTP APIs (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control-iam.html):
// the SigV4 signature (service `execute-api`) verified as for REST methods, then the caller's
// identity policies must allow `execute-api:Invoke` on the route's ARN,
// `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}{path}` (HTTP APIs have no
// resource policies). Every refusal is 403 `{"message":"Forbidden"}` (errors.ts).
import type { Step } from '../pipeline/step.js';
import { authorizeIamCaller } from '../steps/iam-authorizer.js';
import type { HttpRoutedContext } from './http-context.js';

/** The ARN an HTTP API request is authorized against (the request's own path, as AWS builds it). */
export function routeArn(ctx: HttpRoutedContext): string {
  const env = ctx.services.env;
  return `arn:aws:execute-api:${env.region}:${env.accountId}:${ctx.apiId}/${ctx.stage.stageName}/${ctx.httpMethod}${ctx.path}`;
}

export const iamRouteAuthorizer: Step<HttpRoutedContext> = {
  name: 'iam-authorizer',
  run(ctx) {
    authorizeIamCaller(ctx, () => ({ policy: undefined, arn: routeArn(ctx) }));
  },
};
