// HTTP API routing (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html):
// the request's method and path (after the stage) against the deployment's route table, in
// AWS's priority; nothing matched → 404 `{"message":"Not Found"}`.
import type { Step } from '../pipeline/step.js';
import type { HttpContext } from './http-context.js';
import { RouteNotFoundError } from './errors.js';

export const route: Step<HttpContext> = {
  name: 'route',
  run(ctx) {
    const match = ctx.stage.deployment.router.match(ctx.httpMethod, ctx.path);
    if (match === undefined) throw new RouteNotFoundError(`no route matches ${ctx.httpMethod} ${ctx.path}`);
    ctx.setRoute(ctx.stage.routes[match.value.index], match.pathParameters);
  },
};
