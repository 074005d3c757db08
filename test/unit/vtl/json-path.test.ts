import { describe, it, expect } from 'vitest';
import { evaluateJsonPath } from '../../../src/vtl/index.js';
import { evaluateJsonPathThroughStrings } from '../../../src/vtl/json-path.js';
import { PETS } from './helpers.js';

const doc = { pets: PETS, 'a-b': 3, nothing: null, claims: { 'custom:role': 'admin' } };

describe('evaluateJsonPath', () => {
  it('returns the whole document for $', () => {
    expect(evaluateJsonPath(doc, '$')).toBe(doc);
  });

  it('returns a single match itself, not a one-element list', () => {
    expect(evaluateJsonPath(doc, '$.pets[0].type')).toBe('dog');
    expect(evaluateJsonPath(doc, '$.pets')).toBe(PETS);
    expect(evaluateJsonPath(doc, "$['a-b']")).toBe(3);
    expect(evaluateJsonPath(doc, "$.claims['custom:role']")).toBe('admin');
    expect(evaluateJsonPath(doc, '$.nothing')).toBeNull();
  });

  it('returns a list for wildcards, deep scans, filters, unions and slices', () => {
    expect(evaluateJsonPath(doc, '$.pets[*].id')).toEqual([1, 2, 3]);
    expect(evaluateJsonPath(doc, '$..id')).toEqual([1, 2, 3]);
    expect(evaluateJsonPath(doc, '$.pets[?(@.price < 100)].type')).toEqual(['fish']);
    expect(evaluateJsonPath(doc, '$.pets[0,2].id')).toEqual([1, 3]);
    expect(evaluateJsonPath(doc, '$.pets[0:1]')).toEqual([PETS[0]]);
    expect(evaluateJsonPath(doc, '$.pets[*].missing')).toEqual([]);
  });

  it('returns undefined for no match or no document', () => {
    expect(evaluateJsonPath(doc, '$.pets[7].id')).toBeUndefined();
    expect(evaluateJsonPath(doc, '$.missing.deeper')).toBeUndefined();
    expect(evaluateJsonPath(undefined, '$')).toBeUndefined();
  });

  it('works on a top-level list and on scalars', () => {
    expect(evaluateJsonPath(PETS, '$[1].type')).toBe('cat');
    expect(evaluateJsonPath('text', '$')).toBe('text');
  });

  it('can follow a path into stringified JSON (Lambda errorMessage)', () => {
    const error = { errorMessage: JSON.stringify({ code: 'E42', detail: { field: 'name' } }) };
    expect(evaluateJsonPath(error, '$.errorMessage.code')).toBeUndefined();
    expect(evaluateJsonPathThroughStrings(error, '$.errorMessage.code')).toBe('E42');
    expect(evaluateJsonPathThroughStrings(error, '$.errorMessage.detail.field')).toBe('name');
    expect(evaluateJsonPathThroughStrings({ errorMessage: 'plain text' }, '$.errorMessage.code')).toBeUndefined();
  });
});
