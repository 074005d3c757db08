import { describe, it, expect } from 'vitest';
import { MappingTemplate, TemplateError, MAX_FOREACH_ITERATIONS, MAX_TEMPLATE_BYTES } from '../../../src/vtl/index.js';
import { input, render, renderResult, PETS } from './helpers.js';

describe('AWS documentation examples', () => {
  it('petstore Transform: a list into objects, commas from $foreach.hasNext', () => {
    const template = `#set($inputRoot = $input.path('$'))
[
#foreach($elem in $inputRoot)
  {
    "id": $elem.id,
    "type": "$elem.type",
    "description": "Item $elem.id is a $elem.type.",
    "askingPrice": $elem.price
  }#if($foreach.hasNext),#end

#end
]`;
    const output = render(template, { body: JSON.stringify(PETS) });
    expect(JSON.parse(output)).toEqual(
      PETS.map((p) => ({ id: p.id, type: p.type, description: `Item ${p.id} is a ${p.type}.`, askingPrice: p.price })),
    );
  });

  it('the "method request passthrough" template gives valid JSON', () => {
    const template = `##  See https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html
#set($allParams = $input.params())
{
"body-json" : $input.json('$'),
"params" : {
#foreach($type in $allParams.keySet())
    #set($params = $allParams.get($type))
"$type" : {
    #foreach($paramName in $params.keySet())
    "$paramName" : "$util.escapeJavaScript($params.get($paramName))"
        #if($foreach.hasNext),#end
    #end
}
    #if($foreach.hasNext),#end
#end
},
"stage-variables" : {
#foreach($key in $stageVariables.keySet())
"$key" : "$util.escapeJavaScript($stageVariables.get($key))"
    #if($foreach.hasNext),#end
#end
},
"context" : {
    "http-method" : "$context.httpMethod",
    "source-ip" : "$context.identity.sourceIp",
    "request-id" : "$context.requestId",
    "api-key" : "$context.identity.apiKey"
    }
}`;
    const parsed = JSON.parse(render(template)) as Record<string, unknown>;
    expect(parsed['body-json']).toEqual(JSON.parse(input().body));
    expect(parsed.params).toEqual({
      path: { petId: '7' },
      querystring: { limit: '5', q: 'a b' },
      header: { Accept: 'application/json', 'X-Trace': 't-1' },
    });
    expect(parsed['stage-variables']).toEqual({ env: 'prod', 'table-name': 'pets' });
    expect(parsed.context).toEqual({ 'http-method': 'POST', 'source-ip': '10.0.0.1', 'request-id': 'req-1', 'api-key': '' });
  });

  it('a MOCK integration request template', () => {
    expect(JSON.parse(render('{"statusCode": 200}'))).toEqual({ statusCode: 200 });
    expect(render('{"statusCode": #if($input.params(\'fail\') == "yes")500#{else}200#end}')).toBe('{"statusCode": 200}');
  });
});

describe('$context and $stageVariables', () => {
  it('reads nested context values, claims with a colon included', () => {
    expect(render("$context.requestId ${context.httpMethod} $context.identity.sourceIp $context.authorizer.claims['custom:role'] $context.authorizer.claims.sub")).toBe(
      'req-1 POST 10.0.0.1 admin abc',
    );
    expect(render('[$context.nope.deeper]')).toBe('[]');
  });

  it('reads stage variables in all three syntaxes (and hyphenated names)', () => {
    expect(render("$stageVariables.env $stageVariables['env'] ${stageVariables.env} ${stageVariables['table-name']} $stageVariables.table-name")).toBe(
      'prod prod prod pets pets',
    );
  });
});

describe('request and response overrides', () => {
  it('collects request overrides, with hyphenated header names', () => {
    const result = renderResult(`#set($context.requestOverride.header.x-user = $context.authorizer.principalId)
#set($context.requestOverride.querystring.limit = "10")
#set($context.requestOverride.path.petId = 9)
$input.json('$.name')`);
    expect(result.output).toBe('"petstore"');
    expect(result.requestOverride).toEqual({ header: { 'x-user': 'user-9' }, querystring: { limit: '10' }, path: { petId: '9' } });
    expect(result.responseOverride).toEqual({ header: {} });
  });

  it('collects a response status and headers', () => {
    const result = renderResult('#set($context.responseOverride.status = 400)#set($context.responseOverride.header.X-Foo = "v")');
    expect(result.responseOverride).toEqual({ header: { 'X-Foo': 'v' }, status: 400 });
  });

  it('keeps only a status that is an integer 100-599', () => {
    const status = (value: string) => renderResult(`#set($context.responseOverride.status = ${value})`).responseOverride.status;
    expect(status('"404"')).toBe(404);
    expect(status('700')).toBeUndefined();
    expect(status('99')).toBeUndefined();
    expect(status('200.5')).toBeUndefined();
    expect(status('"abc"')).toBeUndefined();
  });

  it('copies a claim named __proto__ as data', () => {
    const context = JSON.parse('{"authorizer":{"claims":{"__proto__":{"x":"1"},"sub":"s"}}}') as Record<string, unknown>;
    expect(render("$context.authorizer.claims.size() $context.authorizer.claims.get('__proto__').x", { context })).toBe('2 1');
  });

  it('never mutates the caller’s context', () => {
    const context = { requestId: 'r', identity: { sourceIp: '1.2.3.4' } };
    const before = structuredClone(context);
    renderResult('#set($context.identity.sourceIp = "x")#set($context.requestOverride.header.a = "b")$context.put("k", 1)', { context });
    expect(context).toEqual(before);
  });
});

describe('compile errors', () => {
  it('a syntax error reports its line', () => {
    const error = captureCompile('line one\nline two\n#set($a = )\n');
    expect(error.line).toBe(3);
    expect(error.message).toBe('template error at line 3: syntax error in "#set($a = )"');
  });

  it('an unclosed block and a stray #end are errors with their line (velocityjs would render them silently)', () => {
    expect(captureCompile('a\n#if($x)\nb').message).toBe('template error at line 2: #if has no #end');
    expect(captureCompile('#foreach($a in $b)\n#if($a)x#end\n').line).toBe(1);
    expect(captureCompile('a\nb\n#end\nc').message).toBe('template error at line 3: #end without an opening #if, #foreach, #macro or #define');
  });

  it('a syntax error inside an interpolated string reports the template line', () => {
    expect(captureCompile('ok\n#set($a = "x $!{b")').line).toBe(2);
  });

  it('accepts templates that end in any token', () => {
    for (const [source, output] of [
      ['', ''],
      ['$x', ''],
      ['a $input.params(\'petId\')', 'a 7'],
      ['#if(true)y#end  ', 'y  '],
      ['x ## comment', 'x '],
      ['x #* block *#', 'x '],
      ['#[[ $raw ]]#', ' $raw '],
      ['cost: $', 'cost: $'],
      ['#set($a = 1)', ''],
    ]) {
      expect(render(source)).toBe(output);
    }
  });

  it('enforces the 300 KB size limit', () => {
    expect(() => MappingTemplate.compile('a'.repeat(MAX_TEMPLATE_BYTES))).not.toThrow();
    expect(() => MappingTemplate.compile('a'.repeat(MAX_TEMPLATE_BYTES + 1))).toThrow(TemplateError);
    expect(() => MappingTemplate.compile('é'.repeat(MAX_TEMPLATE_BYTES / 2 + 1))).toThrow(/over the 307200-byte \(300 KB\) limit/);
  });
});

describe('rendering', () => {
  it('a runtime error reports the line of its statement', () => {
    const template = MappingTemplate.compile('a\n#set($s = "abc")\n#set($t = $s.substring(5))\n');
    const error = capture(() => template.render(input()));
    expect(error).toBeInstanceOf(TemplateError);
    expect(error.line).toBe(3);
  });

  it('stops #foreach after 1000 iterations; $foreach.hasNext still sees the rest', () => {
    const body = JSON.stringify(Array.from({ length: MAX_FOREACH_ITERATIONS + 500 }, (_, i) => i));
    const output = render("#foreach($i in $input.path('$'))#if(!$foreach.hasNext)last#end$i,#end", { body });
    const items = output.split(',').filter((x) => x !== '');
    expect(items).toHaveLength(MAX_FOREACH_ITERATIONS);
    expect(items.at(-1)).toBe('999');
    expect(output).not.toContain('last');
  });

  it('one compiled template renders many inputs independently, even after a failure', () => {
    const template = MappingTemplate.compile('#if($input.params(\'petId\') == "boom")$util.parseJson("{")#end#set($seen = "$!seen+")$seen$input.params(\'petId\')');
    const run = (petId: string) => template.render(input({ params: { path: { petId }, querystring: {}, header: {} } })).output;
    expect(run('1')).toBe('+1');
    expect(() => run('boom')).toThrow(TemplateError);
    expect(run('2')).toBe('+2');
  });

  it('interpolated strings (parsed at compile) see each render\'s loop variables', () => {
    const template = MappingTemplate.compile('#foreach($p in $input.path(\'$.pets\'))#set($d = "${p.type}#if($foreach.hasNext)-#end")$d#end');
    expect(template.render(input()).output).toBe('dog-cat-fish');
    expect(template.render(input({ body: '{"pets":[{"type":"eel"}]}' })).output).toBe('eel');
  });

  it('supports #macro, #elseif, comparisons and arithmetic', () => {
    expect(render('#macro(pet $p)<$p.type>#end#foreach($p in $input.path(\'$.pets\'))#pet($p)#end')).toBe('<dog><cat><fish>');
    expect(render('#set($n = $input.path(\'$.pets\').size())#if($n > 5)many#elseif($n >= 3)some#{else}few#end $math', { body: '{"pets":[1,2,3]}' })).toBe('some ');
    expect(render('#set($x = 2 * 3 + 1)$x')).toBe('7');
  });
});

function capture(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error('expected a TemplateError');
}

function captureCompile(source: string): TemplateError {
  return capture(() => MappingTemplate.compile(source));
}
