// Client-chosen names that are Object.prototype members are plain keys in every data-plane map.
import { describe, it, expect } from 'vitest';
import { headerViews, mergeRecords, parseQuery } from '../../../src/data-plane/pipeline/request-views.js';
import { UriTemplate } from '../../../src/compiler/uri-template.js';
import { SubstitutionTemplate } from '../../../src/compiler/substitution-template.js';
import { MappingTemplate } from '../../../src/vtl/index.js';
import { testInvokeMethod } from '../../../src/data-plane/test-invoke.js';
import type { DataPlane } from '../../../src/data-plane/data-plane.js';
import { LIMITS } from '../../../src/options/limits.js';
import { buildApi } from '../../helpers/backend.js';

const own = (map: object) => Object.keys(map);

describe('request views with Object.prototype names', () => {
  it('query maps keep constructor, toString and __proto__ as own keys', () => {
    const q = parseQuery('constructor=1&toString=2&__proto__=3&toString=4');
    expect(own(q.single)).toEqual(['constructor', 'toString', '__proto__']);
    expect(q.single.toString).toBe('4');
    expect(q.multi.toString).toEqual(['2', '4']);
    expect(q.multi.__proto__).toEqual(['3']);
    expect(q.single.hasOwnProperty).toBeUndefined();
    expect(JSON.parse(JSON.stringify(q.multi))).toEqual(JSON.parse('{"constructor":["1"],"toString":["2","4"],"__proto__":["3"]}'));
  });

  it('header maps too', () => {
    const views = headerViews(['constructor', 'a', '__proto__', 'b', 'constructor', 'c']);
    expect(own(views.single)).toEqual(['constructor', '__proto__']);
    expect(views.single.constructor).toBe('c');
    expect(views.multi.constructor).toEqual(['a', 'c']);
    expect(Object.getOwnPropertyDescriptor(views.single, '__proto__')?.value).toBe('b');
  });

  it('merged path values keep __proto__ and do not see inherited members', () => {
    const merged = mergeRecords<string>(JSON.parse('{"__proto__":"x","id":"1"}') as Record<string, string>, { id: '2' });
    expect(own(merged)).toEqual(['__proto__', 'id']);
    expect(merged.id).toBe('2');
    const uri = UriTemplate.compile('http://h/{constructor}/{__proto__}/${stageVariables.toString}');
    expect(uri.path(merged, Object.create(null) as Record<string, string>)).toBe('//x/');
    expect(uri.path(undefined, {})).toBe('///');
  });

  it('gateway-response substitution: unset names render empty', () => {
    expect(SubstitutionTemplate.compile('[$context.constructor][$stageVariables.toString]').render({}, {})).toBe('[][]');
  });

  it('VTL: $stageVariables members and copied $context maps have no prototype', () => {
    const template = MappingTemplate.compile('[$stageVariables.toString][$stageVariables.constructor][$context.authorizer.valueOf]');
    const out = template.render({ body: '', params: { path: {}, querystring: {}, header: {} }, context: { authorizer: {} }, stageVariables: {} });
    expect(out.output).toBe('[][][]');
  });
});

describe('TestInvokeMethod with Object.prototype names', () => {
  it('an unknown resource id named after a member is NotFound, not a crash', async () => {
    const definition = buildApi({ id: 'ti', resources: { '/': { GET: { integration: { type: 'MOCK' } } } } });
    const deps = { env: { region: 'us-east-1', accountId: '000000000000', limits: { ...LIMITS } }, dataPlane: {} as DataPlane };
    for (const id of ['constructor', 'toString', '__proto__']) {
      await expect(testInvokeMethod(definition, id, 'GET', {}, deps)).rejects.toMatchObject({ type: 'NotFoundException', message: 'Invalid Resource identifier specified' });
    }
  });
});
