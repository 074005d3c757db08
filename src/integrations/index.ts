// Integrations by AWS type. HTTP traffic goes through the one Agent the DataPlane owns.
import type { Dispatcher } from 'undici';
import type { IntegrationRegistry } from './types.js';
import { HttpIntegration } from './http.js';
import { MockIntegration } from './mock.js';

export type { Integration, IntegrationRegistry, IntegrationRequest, EndpointResponse } from './types.js';
export { HttpIntegration, integrationError } from './http.js';
export { MockIntegration, parseMockStatusCode } from './mock.js';

/** `insecure` gives the dispatcher for tlsConfig.insecureSkipVerification (created lazily). */
export function createIntegrations(dispatcher: Dispatcher, insecure: () => Dispatcher = () => dispatcher): IntegrationRegistry {
  return Object.freeze({
    MOCK: new MockIntegration(),
    HTTP: new HttpIntegration('HTTP', dispatcher, insecure),
    HTTP_PROXY: new HttpIntegration('HTTP_PROXY', dispatcher, insecure),
  });
}
