// Integrations by AWS type. HTTP traffic goes through the one Agent the DataPlane owns.
import type { Dispatcher } from 'undici';
import type { IntegrationRegistry } from './types.js';
import { HttpIntegration } from './http.js';
import { MockIntegration } from './mock.js';
import { LambdaIntegration } from './lambda.js';
import type { FunctionInvoker } from '../functions/local-runtime.js';

export type { Integration, IntegrationRegistry, IntegrationRequest, EndpointResponse } from './types.js';
export { HttpIntegration, integrationError } from './http.js';
export { MockIntegration, parseMockStatusCode } from './mock.js';

/**
 * `insecure` gives the dispatcher for tlsConfig.insecureSkipVerification (created lazily);
 * `functions` runs the Lambda integrations (AWS, AWS_PROXY), absent → they answer 500.
 */
export function createIntegrations(dispatcher: Dispatcher, insecure: () => Dispatcher = () => dispatcher, functions?: FunctionInvoker): IntegrationRegistry {
  return Object.freeze({
    MOCK: new MockIntegration(),
    HTTP: new HttpIntegration('HTTP', dispatcher, insecure),
    HTTP_PROXY: new HttpIntegration('HTTP_PROXY', dispatcher, insecure),
    ...(functions === undefined ? {} : { AWS: new LambdaIntegration('AWS', functions), AWS_PROXY: new LambdaIntegration('AWS_PROXY', functions) }),
  });
}
