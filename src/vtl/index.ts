// Public surface of the VTL module: REST mapping templates and parameter-mapping expressions
// (AWS Developer Guide "API Gateway mapping template and access logging variable reference").
export {
  MappingTemplate,
  TemplateError,
  MAX_FOREACH_ITERATIONS,
  MAX_TEMPLATE_BYTES,
  type TemplateInput,
  type TemplateResult,
} from './mapping-template.js';
export { TemplateBudgetError, MAX_RENDER_ITERATIONS, MAX_RENDER_MS } from './render-budget.js';
export type { RequestParams } from './input-variables.js';
export {
  compileParameterSource,
  parseParameterExpression,
  ParameterMappingError,
  type MappingSources,
  type ParameterExpression,
  type ParameterLocation,
  type ParameterSource,
} from './parameter-mapping.js';
export { evaluateJsonPath } from './json-path.js';
