// Route
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-set-up-simple-proxy.html):
// resource + method → the method's compiled plan, or 403 Missing Authentication Token (unknown path
// and unsupported verb alike, recorded in LocalStack's AWS snapshots). A path with dot segments is
// refused first (routing/dot-segments.ts). The request then continues with the matched method's
// steps in this stage.
import type { Step } from '../pipeline/step.js';
import type { RestContext } from '../pipeline/rest-context.js';
import { MissingAuthenticationTokenError, RequestRefusedError } from '../errors/gateway-error.js';
import { hasDotSegment } from '../../routing/dot-segments.js';
import { record } from '../pipeline/request-views.js';

export const route: Step<RestContext> = {
  name: 'route',
  run(ctx) {
    // TestInvokeMethod names the method instead of routing to it.
    if (ctx.plan !== undefined) return;
    if (hasDotSegment(ctx.path)) throw new RequestRefusedError(400, 'Bad Request', { reason: 'dot segments in the path' });
    const params = record<string>();
    const method = ctx.stage.deployment.router.match(ctx.httpMethod, ctx.path, params);
    if (method === undefined) throw new MissingAuthenticationTokenError();
    ctx.setRoute(ctx.stage.methods[method.index], params);
  },
};
