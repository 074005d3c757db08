import { describe, it, expect } from 'vitest';
import { selectRequestTemplate, decodeBase64 } from '../../../src/data-plane/steps/integration-request.js';
import { TemplateSet } from '../../../src/compiler/templates.js';
import { UnsupportedMediaTypeError, ApiConfigurationError } from '../../../src/data-plane/errors/index.js';
import type { PassthroughBehavior } from '../../../src/model/rest-api.js';

// https://docs.aws.amazon.com/apigateway/latest/developerguide/integration-passthrough-behaviors.html
const templates = TemplateSet.compile({ 'application/json': '{"t":1}' });
type Outcome = 'transform' | 'passthrough' | '415';
function outcome(set: TemplateSet | undefined, contentType: string, behavior: PassthroughBehavior): Outcome {
  try {
    return selectRequestTemplate(set, contentType, behavior) === null ? 'passthrough' : 'transform';
  } catch (error) {
    expect(error).toBeInstanceOf(UnsupportedMediaTypeError);
    return '415';
  }
}

describe('request template selection and passthrough', () => {
  it.each([
    // [case, set, contentType, WHEN_NO_MATCH, WHEN_NO_TEMPLATES, NEVER]
    ['template exists for the type', templates, 'application/json', 'transform', 'transform', 'transform'],
    ['other templates exist', templates, 'text/plain', 'passthrough', '415', '415'],
    ['no templates at all', undefined, 'text/plain', 'passthrough', 'passthrough', '415'],
  ] as const)('%s', (_, set, contentType, whenNoMatch, whenNoTemplates, never) => {
    expect(outcome(set, contentType, 'WHEN_NO_MATCH')).toBe(whenNoMatch);
    expect(outcome(set, contentType, 'WHEN_NO_TEMPLATES')).toBe(whenNoTemplates);
    expect(outcome(set, contentType, 'NEVER')).toBe(never);
  });

  it('treats a null/empty template for the type as passthrough', () => {
    const set = TemplateSet.compile({ 'application/json': '', 'text/plain': null });
    expect(outcome(set, 'application/json', 'NEVER')).toBe('passthrough');
    expect(outcome(set, 'text/plain', 'WHEN_NO_TEMPLATES')).toBe('passthrough');
  });

  it('decodes base64 strictly for CONVERT_TO_BINARY', () => {
    expect(decodeBase64('aGVsbG8=').toString()).toBe('hello');
    expect(decodeBase64('aGVs\nbG8=').toString()).toBe('hello');
    expect(() => decodeBase64('not base64!')).toThrow(ApiConfigurationError);
  });
});
