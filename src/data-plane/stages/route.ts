// Route (data-plane.md §3): resource + method → the method's compiled plan, or 403 Missing
// Authentication Token (unknown path and unsupported verb alike, AWS-recorded).
import type { Stage } from '../pipeline/stage.js';
import type { InvocationContext } from '../pipeline/context.js';
import { MissingAuthenticationTokenError } from '../errors/gateway-error.js';
import { record } from '../pipeline/request-views.js';

export const route: Stage<InvocationContext> = {
  name: 'route',
  run(ctx) {
    const params = record<string>();
    const plan = ctx.stage.deployment.router.match(ctx.httpMethod, ctx.path, params);
    if (plan === undefined) throw new MissingAuthenticationTokenError();
    ctx.setRoute(plan, params);
  },
};
