// HTTP API routing (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html):
// the request's method and path (after the stage) against the deployment's route table, in
// AWS's priority; nothing matched → 404 `{"message":"Not Found"}`. A path with dot segments
// (plain or percent-encoded) is refused first with 400, as REST's route step does, so a path
// variable cannot climb out of the backend path it is put into, nor past an authorizer's
// route ARN (AWS does not document its own handling).
import type { Step } from '../pipeline/step.js';
import type { HttpContext } from './http-context.js';
import { RouteNotFoundError } from './errors.js';
import { RequestRefusedError } from '../errors/gateway-error.js';
import { hasDotSegment } from '../../routing/dot-segments.js';

export const route: Step<HttpContext> = {
  name: 'route',
  run(ctx) {
    if (hasDotSegment(ctx.path)) throw new RequestRefusedError(400, 'Bad Request', { reason: 'dot segments in the path' });
    const match = ctx.stage.deployment.router.match(ctx.httpMethod, ctx.path);
    if (match === undefined) throw new RouteNotFoundError(`no route matches ${ctx.httpMethod} ${ctx.path}`);
    ctx.setRoute(ctx.stage.routes[match.value.index], match.pathParameters);
  },
};
