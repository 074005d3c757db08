export * from './gateway-error.js';
export { DEFAULT_GATEWAY_RESPONSES, DEFAULT_GATEWAY_RESPONSE_TEMPLATE, GATEWAY_RESPONSE_TYPES, type DefaultGatewayResponse } from './defaults.js';
export { renderGatewayResponse, errorContext, type GatewayResponseSources } from './render.js';
