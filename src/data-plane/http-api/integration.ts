// The integration call of an HTTP API route: hands the integration request the earlier step
// built to the dispatcher chosen when the deployment was compiled, and keeps the endpoint
// response. A call past `timeoutInMillis` answers 503 Service Unavailable (errors.ts).
import type { Step, StepResult } from '../pipeline/step.js';
import type { EndpointResponse } from '../../integrations/types.js';
import type { HttpRoutedContext } from './http-context.js';

export const invokeIntegration: Step<HttpRoutedContext> = {
  name: 'integration',
  run(ctx): StepResult {
    const request = ctx.integrationRequest;
    const dispatcher = ctx.plan.integration.dispatcher;
    if (request === undefined || dispatcher === undefined) throw new Error('no integration request was built');
    const result = dispatcher.invoke(request);
    if (!(result instanceof Promise)) {
      ctx.endpointResponse = result;
      return;
    }
    return result.then((response: EndpointResponse) => {
      ctx.endpointResponse = response;
    });
  },
};
