// Method response
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-settings-method-response.html):
// the selected integration response's status must be a declared MethodResponse (else 500);
// Content-Type defaults to application/json; non-proxy header remapping; the response is then
// final.
import type { Step } from '../pipeline/step.js';
import type { RestRoutedContext } from '../pipeline/rest-context.js';
import { ApiConfigurationError } from '../errors/gateway-error.js';
import { DROPPED_RESPONSE_HEADERS, REMAPPED_RESPONSE_HEADERS, REMAPPED_RESPONSE_HEADERS_NON_PROXY } from '../../integrations/headers.js';
import { trace, javaMap } from '../pipeline/trace.js';
import { record as newRecord } from '../pipeline/request-views.js';

export const methodResponse: Step<RestRoutedContext> = {
  name: 'method-response',
  run(ctx) {
    const out = ctx.methodResponse;
    const status = ctx.selectedStatusCode;
    // The request ended before an integration response was selected: nothing to check.
    if (out === undefined || status === undefined) return;
    const integration = ctx.plan.integration;
    if (!integration.methodResponses.has(status)) {
      throw new ApiConfigurationError(undefined, {
        reason: `Execution failed due to configuration error: Output mapping refers to an invalid method response: ${status}`,
      });
    }
    const remap = integration.type === 'MOCK' ? REMAPPED_RESPONSE_HEADERS : REMAPPED_RESPONSE_HEADERS_NON_PROXY;
    const headers: string[] = [];
    let hasContentType = false;
    for (let i = 0; i < out.headers.length; i += 2) {
      const lower = out.headers[i].toLowerCase();
      if (DROPPED_RESPONSE_HEADERS.has(lower)) continue;
      const remapped = remap.get(lower);
      if (remapped !== undefined) headers.push(remapped, out.headers[i + 1]);
      else {
        if (lower === 'content-type') hasContentType = true;
        headers.push(out.headers[i], out.headers[i + 1]);
      }
    }
    if (!hasContentType) headers.push('Content-Type', 'application/json');
    out.headers = headers;
    if (ctx.trace) {
      const record = newRecord<string>();
      for (let i = 0; i < headers.length; i += 2) record[headers[i]] = headers[i + 1];
      trace(ctx, `Method response headers: ${javaMap(record)}`);
      trace(ctx, `Successfully completed execution`);
      trace(ctx, `Method completed with status: ${out.statusCode}`);
    }
    ctx.response = out;
  },
};
