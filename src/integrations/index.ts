// The dispatchers by AWS integration type, chosen when a deployment is compiled (the `AWS`
// type is Lambda: service integrations other than Lambda are not supported yet). HTTP traffic
// goes through the one Agent the DataPlane owns, or its insecure twin for
// tlsConfig.insecureSkipVerification, created on first use.
import type { Dispatcher } from 'undici';
import type { IntegrationType } from '../model/rest-api.js';
import type { Integration } from './types.js';
import { HttpIntegration } from './http.js';
import { MockIntegration } from './mock.js';
import { LambdaIntegration } from './lambda.js';
import type { FunctionInvoker } from '../functions/local-runtime.js';

export type {
  Cancellable, EndpointResponse, FunctionRequest, HttpEndpointRequest, Integration, IntegrationRequest, IntegrationSignal, MockRequest,
} from './types.js';
export { HttpIntegration, integrationError } from './http.js';
export { MockIntegration, parseMockStatusCode } from './mock.js';

/** Picks the dispatcher of an integration; undefined → that type is not supported here. */
export interface IntegrationRegistry {
  dispatcherFor(type: IntegrationType, options: { insecureTls: boolean }): Integration | undefined;
}

export interface IntegrationDeps {
  dispatcher: Dispatcher;
  /** The dispatcher that accepts untrusted certificates (created on first use). */
  insecure: () => Dispatcher;
  /** Runs the Lambda integrations (AWS, AWS_PROXY); absent → they answer 500. */
  functions: FunctionInvoker | undefined;
  maxResponseBodyBytes: number;
}

export function createIntegrations(deps: IntegrationDeps): IntegrationRegistry {
  const trusted = () => deps.dispatcher;
  const byType: Readonly<Partial<Record<IntegrationType, Integration>>> = {
    MOCK: new MockIntegration(),
    HTTP: new HttpIntegration('HTTP', trusted, deps.maxResponseBodyBytes),
    HTTP_PROXY: new HttpIntegration('HTTP_PROXY', trusted, deps.maxResponseBodyBytes),
    ...(deps.functions !== undefined && {
      AWS: new LambdaIntegration('AWS', deps.functions),
      AWS_PROXY: new LambdaIntegration('AWS_PROXY', deps.functions),
    }),
  };
  const insecure = {
    HTTP: new HttpIntegration('HTTP', deps.insecure, deps.maxResponseBodyBytes),
    HTTP_PROXY: new HttpIntegration('HTTP_PROXY', deps.insecure, deps.maxResponseBodyBytes),
  };
  return {
    dispatcherFor(type, { insecureTls }) {
      if (insecureTls && (type === 'HTTP' || type === 'HTTP_PROXY')) return insecure[type];
      return byType[type];
    },
  };
}
