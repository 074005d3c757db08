// A render's budget: ranges never built past the #foreach cap, iterations across the render,
// output and built strings capped at the payload limit; hostile regexes run in bounded time.
import { describe, expect, it } from 'vitest';
import { MappingTemplate, TemplateBudgetError } from '../../../src/vtl/index.js';
import { MAX_BACKTRACKING_MS } from '../../../src/vtl/java-regex.js';
import { input, render } from './helpers.js';

function renderWith(source: string, querystring: Record<string, string>, body = ''): string {
  return MappingTemplate.compile(source).render(input({ body, params: { path: {}, querystring, header: {} } })).output;
}

describe('ranges', () => {
  it('a range of a billion numbers is never built: the loop stops at 1 000', () => {
    const out = renderWith("#foreach($i in [1..$input.params('n')])#if($foreach.last)last#end#set($c = $i)#end$c $foreach.hasNext", { n: '1000000000' });
    expect(out).toBe('1000 ');
  });

  it('keeps small ranges, descending ones and the last-iteration flags', () => {
    expect(render('#foreach($i in [3..1])$i#if($foreach.hasNext),#end#end')).toBe('3,2,1');
    expect(render('#foreach($i in [1..3])$i#if($foreach.last)!#end#end')).toBe('123!');
    expect(render("#set($n = 'abc')#foreach($i in [1..$n])x#end")).toBe('');
  });
});

describe('budget', () => {
  it('nested loops fail the render once the total iterations pass the budget', () => {
    const source = '#foreach($a in [1..1000])#foreach($b in [1..1000])#foreach($c in [1..1000])x#end#end#end';
    expect(() => render(source)).toThrow(TemplateBudgetError);
    expect(() => render(source)).toThrow(/^template budget exceeded: more than 25000 #foreach iterations/);
  });

  it('a string doubled 26 times fails before it is built', () => {
    const source = '#set($s = "abcd")#foreach($i in [1..26])#set($s = "$s$s")#end$s.length()';
    expect(() => render(source)).toThrow(/^template budget exceeded: output over the 10485760-byte payload limit/);
    const concat = '#set($s = "abcd")#foreach($i in [1..26])#set($s = $s.concat($s))#end$s.length()';
    expect(() => render(concat)).toThrow(/^template budget exceeded: a string of \d+ characters/);
  });

  it('the output is capped at the payload limit the caller gives', () => {
    const template = MappingTemplate.compile('#foreach($i in [1..100])0123456789#end');
    expect(template.render(input(), 1000).output).toHaveLength(1000);
    expect(() => template.render(input(), 999)).toThrow(/output over the 999-byte payload limit/);
  });

  it('the budget is per render: the next render starts afresh', () => {
    const template = MappingTemplate.compile('#foreach($a in [1..400])#foreach($b in [1..400])#end#end ok');
    expect(() => template.render(input())).toThrow(TemplateBudgetError);
    const small = MappingTemplate.compile('#foreach($a in [1..1000])#foreach($b in [1..20])#end#end ok');
    expect(small.render(input()).output).toBe(' ok');
    expect(small.render(input()).output).toBe(' ok');
  });

  it('a render that runs past its time fails, checked between method calls', () => {
    const body = 'ab'.repeat(100_000);
    const source = "#foreach($i in [1..1000])#set($x = $input.body.replaceAll('(a+)+b', 'x'))#end done";
    expect(() => renderWith(source, {}, body)).toThrow(/^template budget exceeded: render took more than 1000 ms/);
  });
});

describe('regular expressions', () => {
  const evil = 'a'.repeat(32) + '!';

  it('a catastrophic pattern runs in linear time (RE2) with Java semantics', () => {
    expect(renderWith("$input.body.replaceAll('(a+)+$', 'x')", {}, evil)).toBe(evil);
    expect(renderWith("$input.body.matches('(a+)+$')", {}, evil)).toBe('false');
    expect(renderWith("$input.body.replaceAll('(a+)+!', 'x')", {}, evil)).toBe('x');
  });

  it('a pattern RE2 cannot run (backreference, lookaround) works at any length', () => {
    expect(render("#set($s = 'abab')$s.replaceAll('(ab)\\1', 'x')")).toBe('x');
    expect(renderWith("$input.body.replaceAll('(?<=x)x', 'y')", {}, 'x'.repeat(5000))).toBe(`x${'y'.repeat(4999)}`);
    expect(renderWith("$input.body.split('(?=,)').size()", {}, 'a,'.repeat(2000))).toBe('2001'); // a, ,a … ,
  });

  it('a catastrophic pattern RE2 cannot run is interrupted: the render fails, the next one runs', () => {
    const catastrophic = "$input.body.matches('(?=(a+)+b).*')";
    expect(() => renderWith(catastrophic, {}, 'a'.repeat(40))).toThrow(`needs backtracking (no linear-time form) and took more than ${MAX_BACKTRACKING_MS} ms`);
    expect(renderWith(catastrophic, {}, 'aab')).toBe('true');
  });

  it('a pattern interrupted in replaceAll splits from the start afterwards', () => {
    const pattern = '(?<=,)(a+)+b|,';
    expect(() => renderWith(`$input.body.replaceAll('${pattern}', '#')`, {}, `,${',x'.repeat(10)},${'a'.repeat(30)}c`)).toThrow('took more than');
    expect(render(`#set($s = 'p,q,r')$s.split('${pattern}').size()`)).toBe('3');
  });
});

describe('literal patterns', () => {
  it('run at any length, with Java semantics', () => {
    const body = '"a"'.repeat(1000);
    expect(renderWith("$input.body.replaceAll('\"', '\\\\\"').length()", {}, body)).toBe('5000');
    expect(renderWith("$input.body.split(',').size()", {}, 'x,'.repeat(2000))).toBe('2000');
    expect(render("#set($s = 'a.b')$s.replaceAll('\\.', '-') $s.replaceAll('.', '-')")).toBe('a-b ---');
  });
});
