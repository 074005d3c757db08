// Integration (data-plane.md §2 step 11): hands the integration request to the integration of
// the method's AWS type.
import type { Stage } from '../pipeline/stage.js';
import type { RoutedContext } from '../pipeline/context.js';
import { ApiConfigurationError } from '../errors/gateway-error.js';

export const integration: Stage<RoutedContext> = {
  name: 'integration',
  run(ctx) {
    const type = ctx.plan.integration!.type;
    const handler = ctx.services.integrations[type];
    if (handler === undefined) throw new ApiConfigurationError(undefined, { reason: `integration type ${type} is not supported` });
    return handler.invoke(ctx);
  },
};
