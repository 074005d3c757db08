import { describe, it, expect } from 'vitest';
import { util } from '../../../src/vtl/util-functions.js';
import { TemplateError } from '../../../src/vtl/index.js';
import { render } from './helpers.js';

describe('$util.escapeJavaScript', () => {
  it('escapes quotes, backslash, slash and controls like Commons Lang', () => {
    expect(util.escapeJavaScript(`it's "q" \\ a/b`)).toBe(`it\\'s \\"q\\" \\\\ a\\/b`);
    expect(util.escapeJavaScript('l1\nl2\r\t\b\f')).toBe('l1\\nl2\\r\\t\\b\\f');
    expect(util.escapeJavaScript('\u0001\u001f\u007f')).toBe('\\u0001\\u001F\u007f');
  });

  it('escapes non-ASCII as \\uXXXX with upper-case hex, per UTF-16 unit', () => {
    expect(util.escapeJavaScript('café ✓')).toBe('caf\\u00E9 \\u2713');
    expect(util.escapeJavaScript('😀')).toBe('\\uD83D\\uDE00');
  });

  it('works in a template, and null gives nothing', () => {
    expect(render(`"$util.escapeJavaScript($input.path('$.q'))"`, { body: '{"q":"say \\"hi\\"\\n"}' })).toBe('"say \\"hi\\"\\n"');
    expect(render(`[$util.escapeJavaScript($input.path('$.nope'))]`)).toBe('[]');
    expect(render(`$util.escapeJavaScript($input.json('$.owner'))`)).toBe('{\\"first\\":\\"Ann\\",\\"tags\\":[\\"x\\",\\"y\\"]}');
  });
});

describe('$util.urlEncode / urlDecode', () => {
  it('form-encodes like java.net.URLEncoder', () => {
    expect(util.urlEncode('a b+c&d=e/f?g')).toBe('a+b%2Bc%26d%3De%2Ff%3Fg');
    expect(util.urlEncode("*-._!'()~")).toBe('*-._%21%27%28%29%7E');
    expect(util.urlEncode('é✓')).toBe('%C3%A9%E2%9C%93');
    expect(util.urlEncode('x\ud800y')).toBe('x%3Fy');
  });

  it('decodes + and UTF-8 percent runs; a malformed escape is an error', () => {
    expect(util.urlDecode('a+b%2Bc%26d')).toBe('a b+c&d');
    expect(util.urlDecode('%C3%A9%e2%9c%93')).toBe('é✓');
    expect(() => util.urlDecode('100%')).toThrow(URIError);
    expect(() => render("$util.urlDecode('%zz')")).toThrow(TemplateError);
  });

  it('round-trips in a template', () => {
    expect(render("$util.urlEncode($input.params('q'))|$util.urlDecode($util.urlEncode('ü & +'))")).toBe('a+b|ü & +');
  });
});

describe('$util.base64Encode / base64Decode', () => {
  it('encodes UTF-8 bytes and decodes back', () => {
    expect(util.base64Encode('hello world')).toBe('aGVsbG8gd29ybGQ=');
    expect(util.base64Encode('é')).toBe('w6k=');
    expect(util.base64Decode('w6k=')).toBe('é');
    expect(render("$util.base64Decode($util.base64Encode('a+b / ✓'))")).toBe('a+b / ✓');
  });
});

describe('$util.parseJson', () => {
  it('turns stringified JSON into navigable values (AWS doc example)', () => {
    const body = JSON.stringify({ errorMessage: JSON.stringify({ key1: 'v', key2: { arr: [7, 8] } }) });
    expect(render("$util.parseJson($input.path('$.errorMessage')).key2.arr[0]", { body })).toBe('7');
    expect(render("#set($o = $util.parseJson('{\"a\":[1,2]}'))$o.a.size() $o", { body })).toBe('2 {a=[1,2]}');
  });

  it('invalid JSON is a template error', () => {
    expect(() => render("$util.parseJson('{nope')")).toThrow(/template error at line 1: .*invalid JSON/);
  });
});

describe('unknown $util functions', () => {
  it('render as nothing and do not fail', () => {
    expect(render('[$util.toJson($input.body)][$util.qr("x")]')).toBe('[][]');
  });
});
