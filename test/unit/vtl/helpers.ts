// Shared fixtures for the VTL tests: the petstore payloads of the AWS docs and a render helper.
import { MappingTemplate, type TemplateInput, type TemplateResult } from '../../../src/vtl/index.js';

export const PETS = [
  { id: 1, type: 'dog', price: 249.99 },
  { id: 2, type: 'cat', price: 124.99 },
  { id: 3, type: 'fish', price: 0.99 },
];
export const STORE_BODY = JSON.stringify({ name: 'petstore', pets: PETS, 'a-b': 'dash', owner: { first: 'Ann', tags: ['x', 'y'] } });

export function input(overrides: Partial<TemplateInput> = {}): TemplateInput {
  return {
    body: STORE_BODY,
    params: { path: { petId: '7' }, querystring: { limit: '5', q: 'a b' }, header: { Accept: 'application/json', 'X-Trace': 't-1' } },
    context: {
      requestId: 'req-1',
      httpMethod: 'POST',
      identity: { sourceIp: '10.0.0.1', userAgent: 'curl/8' },
      authorizer: { principalId: 'user-9', claims: { sub: 'abc', 'custom:role': 'admin' } },
    },
    stageVariables: { env: 'prod', 'table-name': 'pets' },
    ...overrides,
  };
}

export function renderResult(source: string, overrides: Partial<TemplateInput> = {}): TemplateResult {
  return MappingTemplate.compile(source).render(input(overrides));
}

export function render(source: string, overrides: Partial<TemplateInput> = {}): string {
  return renderResult(source, overrides).output;
}
