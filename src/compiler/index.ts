export { compileDeployment, compileStage, type CompileOptions } from './compile-deployment.js';
export type { CompiledDeployment, CompiledMethod, CompiledStage, MethodPlan, IntegrationPlan, CompiledIntegrationResponse } from './types.js';
export { DEFAULT_METHOD_SETTING, effectiveMethodSetting } from './method-settings.js';
export { compileGatewayResponses, BUILT_IN_GATEWAY_RESPONSES, type CompiledGatewayResponse, type CompiledGatewayResponses } from './gateway-responses.js';
export { BinaryMediaTypes, mediaTypeOf } from './binary-media-types.js';
export { compileSelectionPattern } from './selection-pattern.js';
export { TemplateSet, compileTemplate, type CompiledTemplate } from './templates.js';
export { UriTemplate } from './uri-template.js';
