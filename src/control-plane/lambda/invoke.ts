// Invoke: runs a function (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html).
// X-Amz-Invocation-Type RequestResponse (200) | Event (202) | DryRun (204); X-Amz-Log-Type Tail
// → X-Amz-Log-Result (base64, last 4 KB); a function error → 200 with X-Amz-Function-Error:
// Unhandled and the error object; X-Amz-Executed-Version names the version that ran.
import type { OperationDefinition } from '../route-table.js';
import { invalidRequestContent } from '../../functions/errors.js';
import type { InvocationType } from '../../functions/local-runtime.js';
import { validationException } from '../apigateway/validation.js';
import type { LambdaContext } from './context.js';
import { lambdaOperation } from './wire.js';

const INVOCATION_TYPES: readonly InvocationType[] = ['Event', 'RequestResponse', 'DryRun'];

export function invokeOperations(ctx: LambdaContext): OperationDefinition[] {
  const operations: OperationDefinition[] = [
    {
      name: 'Invoke',
      method: 'POST',
      uri: '/2015-03-31/functions/{FunctionName}/invocations',
      rawBody: true,
      handler: async ({ params, query, headers, rawBody }) => {
        const type = (header(headers['x-amz-invocation-type']) ?? 'RequestResponse') as InvocationType;
        if (!INVOCATION_TYPES.includes(type)) {
          throw validationException([`Value '${type}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`]);
        }
        const logType = header(headers['x-amz-log-type']) ?? 'None';
        if (logType !== 'None' && logType !== 'Tail') {
          throw validationException([`Value '${logType}' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [None, Tail]`]);
        }
        // An empty payload reaches the function as {} (observed on AWS).
        const payload = rawBody.length === 0 ? '{}' : rawBody.toString('utf8');
        try {
          JSON.parse(payload);
        } catch (error) {
          throw invalidRequestContent(`Could not parse request body into json: Could not parse payload into json: ${(error as Error).message}`);
        }
        const clientContext = header(headers['x-amz-client-context']);
        const output = await ctx.invoker.invoke({
          functionName: params.FunctionName,
          qualifier: query.get('Qualifier') ?? undefined,
          payload,
          invocationType: type,
          logType,
          ...(clientContext === undefined ? {} : { clientContext }),
        });
        const responseHeaders: Record<string, string> = { 'X-Amz-Executed-Version': output.executedVersion };
        if (output.functionError !== undefined) responseHeaders['X-Amz-Function-Error'] = output.functionError;
        if (output.logResult !== undefined) responseHeaders['X-Amz-Log-Result'] = output.logResult;
        if (output.statusCode !== 200) return { statusCode: output.statusCode, raw: { contentType: 'application/json', data: '', headers: responseHeaders } };
        return { statusCode: 200, raw: { contentType: 'application/json', data: output.payload, headers: responseHeaders } };
      },
    },
  ];
  return operations.map(lambdaOperation);
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
