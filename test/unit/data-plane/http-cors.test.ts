import { describe, it, expect } from 'vitest';
import { checkCorsConfiguration, compileCors } from '../../../src/data-plane/http-api/cors.js';
import type { Cors } from '../../../src/model/http-api.js';

/** A request's header lookup from a plain map of lowercase names. */
const from = (headers: Record<string, string>) => (lowerName: string): string | undefined => headers[lowerName];

const preflightOf = (cors: Cors, headers: Record<string, string>) => compileCors(cors).preflight('OPTIONS', from(headers));

const FULL: Cors = {
  allowOrigins: ['http://localhost:4000'],
  allowMethods: ['POST', 'GET'],
  allowHeaders: ['testHeader'],
  allowCredentials: true,
  exposeHeaders: ['exposedHeader'],
  maxAge: 10,
};

describe('checkCorsConfiguration', () => {
  it('accepts a full configuration, an empty one and JSON nulls', () => {
    expect(checkCorsConfiguration(FULL)).toBeUndefined();
    expect(checkCorsConfiguration({})).toBeUndefined();
    expect(checkCorsConfiguration({ allowOrigins: null, maxAge: null, allowCredentials: null })).toBeUndefined();
  });

  it('refuses allowCredentials with a * origin, even among others', () => {
    const message = "allow-credentials is not supported if 'allow-origin' is *";
    expect(checkCorsConfiguration({ allowOrigins: ['*'], allowCredentials: true })).toBe(message);
    expect(checkCorsConfiguration({ allowOrigins: ['http://localhost:3000', '*'], allowCredentials: true })).toBe(message);
    expect(checkCorsConfiguration({ allowOrigins: ['*'], allowCredentials: false })).toBeUndefined();
    expect(checkCorsConfiguration({ allowOrigins: ['https://*'], allowCredentials: true })).toBeUndefined();
  });

  it('takes *, http://* and https://* but no other wildcard', () => {
    expect(checkCorsConfiguration({ allowOrigins: ['*', 'http://*', 'https://*'] })).toBeUndefined();
    expect(checkCorsConfiguration({ allowOrigins: ['https://*.domain.com'] })).toBe('allow-origin https://*.domain.com can not have wildcards');
    expect(checkCorsConfiguration({ allowOrigins: ['*.example.com'] })).toBe('allow-origin *.example.com can not have wildcards');
  });

  it('refuses what is not an origin', () => {
    for (const origin of ['https:/', 'example.com', 'https://example.com/path', 'https://', 'https://exa mple.com']) {
      expect(checkCorsConfiguration({ allowOrigins: [origin] })).toBe(`allow-origin ${origin} is not a valid origin`);
    }
    expect(checkCorsConfiguration({ allowOrigins: ['http://localhost:3000', 'capacitor://localhost', 'HTTPS://Example.COM'] })).toBeUndefined();
  });

  it('takes the route methods and *, not ANY or made-up ones', () => {
    expect(checkCorsConfiguration({ allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', '*', 'get'] })).toBeUndefined();
    expect(checkCorsConfiguration({ allowMethods: ['ANY'] })).toBe('Method ANY is not supported');
    expect(checkCorsConfiguration({ allowMethods: ['GET', 'BAD'] })).toBe('Method BAD is not supported');
  });

  it('keeps maxAge within -1..86400, as an integer', () => {
    for (const maxAge of [-1, 0, 300, 86_400]) expect(checkCorsConfiguration({ maxAge })).toBeUndefined();
    expect(checkCorsConfiguration({ maxAge: -2 })).toMatch(/max-age -2/);
    expect(checkCorsConfiguration({ maxAge: 86_401 })).toMatch(/max-age 86401/);
    expect(checkCorsConfiguration({ maxAge: 1.5 })).toMatch(/maxAge/);
    expect(checkCorsConfiguration({ maxAge: '10' })).toMatch(/maxAge/);
  });

  it('checks the members’ types', () => {
    expect(checkCorsConfiguration({ allowOrigins: 'https://example.com' })).toMatch(/allowOrigins must be a list of strings/);
    expect(checkCorsConfiguration({ allowHeaders: ['a', 1] })).toMatch(/allowHeaders must be a list of strings/);
    expect(checkCorsConfiguration({ exposeHeaders: {} })).toMatch(/exposeHeaders/);
    expect(checkCorsConfiguration({ allowMethods: [null] })).toMatch(/allowMethods/);
    expect(checkCorsConfiguration({ allowCredentials: 'true' })).toMatch(/allowCredentials must be a boolean/);
    expect(checkCorsConfiguration('cors')).toMatch(/corsConfiguration/);
    expect(checkCorsConfiguration([])).toMatch(/corsConfiguration/);
  });

  it('refuses header names that cannot be sent back', () => {
    expect(checkCorsConfiguration({ allowHeaders: ['Content-Type', 'x-api-key', '*'], exposeHeaders: ['Date', '*'] })).toBeUndefined();
    expect(checkCorsConfiguration({ allowHeaders: ['bad header'] })).toBe('allow-headers bad header is not a valid header name');
    expect(checkCorsConfiguration({ exposeHeaders: ['x\r\ny'] })).toBe('expose-headers x\r\ny is not a valid header name');
    expect(checkCorsConfiguration({ allowHeaders: [''] })).toMatch(/allow-headers/);
  });
});

describe('preflight', () => {
  const PREFLIGHT = { origin: 'http://localhost:4000', 'access-control-request-method': 'GET' };

  it('is only an OPTIONS with Origin and Access-Control-Request-Method', () => {
    const cors = compileCors(FULL);
    expect(cors.preflight('GET', from(PREFLIGHT))).toBeUndefined();
    expect(cors.preflight('OPTIONS', from({ origin: 'http://localhost:4000' }))).toBeUndefined();
    expect(cors.preflight('OPTIONS', from({ 'access-control-request-method': 'GET' }))).toBeUndefined();
    expect(cors.preflight('OPTIONS', from({ origin: '', 'access-control-request-method': 'GET' }))).toBeUndefined();
  });

  it('answers an allowed one with the configured headers and the origin echoed', () => {
    expect(preflightOf(FULL, { ...PREFLIGHT, 'access-control-request-headers': 'testheader' })).toEqual({
      statusCode: 204,
      headers: [
        'access-control-allow-origin', 'http://localhost:4000',
        'access-control-allow-methods', 'POST,GET',
        'access-control-allow-headers', 'testHeader',
        'access-control-max-age', '10',
        'access-control-allow-credentials', 'true',
      ],
    });
  });

  it('answers * for a * origin, and no max-age or credentials unless configured', () => {
    expect(preflightOf({ allowOrigins: ['*'], allowMethods: ['*'], allowHeaders: ['*'] }, { ...PREFLIGHT, origin: 'https://anywhere.test' })).toEqual({
      statusCode: 204,
      headers: ['access-control-allow-origin', '*', 'access-control-allow-methods', '*', 'access-control-allow-headers', '*'],
    });
  });

  it('sends max-age 0 and -1 as configured', () => {
    const headers = (maxAge: number) => preflightOf({ allowOrigins: ['*'], allowMethods: ['GET'], maxAge }, PREFLIGHT)?.headers;
    expect(headers(0)).toContain('0');
    expect(headers(-1)).toEqual(expect.arrayContaining(['access-control-max-age', '-1']));
  });

  it('refuses with a 204 and no CORS headers: origin, method or a requested header not allowed', () => {
    const refused = { statusCode: 204, headers: [] };
    expect(preflightOf(FULL, { ...PREFLIGHT, origin: 'http://localhost:3000' })).toEqual(refused);
    expect(preflightOf(FULL, { ...PREFLIGHT, 'access-control-request-method': 'DELETE' })).toEqual(refused);
    expect(preflightOf(FULL, { ...PREFLIGHT, 'access-control-request-headers': 'testHeader, x-other' })).toEqual(refused);
  });

  it('never matches an API with only allowOrigins', () => {
    expect(preflightOf({ allowOrigins: ['http://localhost:4000'] }, PREFLIGHT)).toEqual({ statusCode: 204, headers: [] });
  });

  it('with methods * and no allowHeaders: matches without requested headers, with an empty allow-headers', () => {
    const cors: Cors = { allowOrigins: ['http://localhost:4000'], allowMethods: ['*'] };
    expect(preflightOf(cors, PREFLIGHT)?.headers).toEqual([
      'access-control-allow-origin', 'http://localhost:4000',
      'access-control-allow-methods', '*',
      'access-control-allow-headers', '',
    ]);
    expect(preflightOf(cors, { ...PREFLIGHT, 'access-control-request-headers': 'test,test2' })?.headers).toEqual([]);
    expect(preflightOf({ ...cors, allowHeaders: ['*'] }, { ...PREFLIGHT, 'access-control-request-headers': 'test,test2' })?.headers)
      .toContain('access-control-allow-origin');
  });

  it('compares requested header names case-insensitively and ignores blanks', () => {
    const cors: Cors = { allowOrigins: ['*'], allowMethods: ['POST'], allowHeaders: ['Content-Type', 'X-Api-Key'] };
    expect(preflightOf(cors, { ...PREFLIGHT, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-api-key,' })?.headers)
      .toContain('access-control-allow-origin');
  });

  it('takes lowercase configured methods as their uppercase names', () => {
    expect(preflightOf({ allowOrigins: ['*'], allowMethods: ['get'] }, PREFLIGHT)?.headers).toEqual(expect.arrayContaining(['access-control-allow-methods', 'GET']));
  });

  it('http://* and https://* allow any origin of their scheme only', () => {
    const http: Cors = { allowOrigins: ['http://*'], allowMethods: ['*'] };
    const https: Cors = { allowOrigins: ['https://*'], allowMethods: ['*'] };
    expect(preflightOf(http, PREFLIGHT)?.headers.slice(0, 2)).toEqual(['access-control-allow-origin', 'http://localhost:4000']);
    expect(preflightOf(https, PREFLIGHT)?.headers).toEqual([]);
    expect(preflightOf(https, { ...PREFLIGHT, origin: 'https://localhost:4000' })?.headers.slice(0, 2)).toEqual(['access-control-allow-origin', 'https://localhost:4000']);
    expect(preflightOf(http, { ...PREFLIGHT, origin: 'https://localhost:4000' })?.headers).toEqual([]);
  });

  it('matches origins case-insensitively and echoes the one the request sent', () => {
    const cors: Cors = { allowOrigins: ['http://MyORIGIN.com'], allowMethods: ['*'] };
    expect(preflightOf(cors, { ...PREFLIGHT, origin: 'http://myorigin.com' })?.headers.slice(0, 2)).toEqual(['access-control-allow-origin', 'http://myorigin.com']);
    expect(preflightOf(cors, { ...PREFLIGHT, origin: 'http://myorigin.com.evil.test' })?.headers).toEqual([]);
  });

  it('hands out a fresh header list each time', () => {
    const cors = compileCors(FULL);
    const first = cors.preflight('OPTIONS', from(PREFLIGHT));
    first?.headers.push('apigw-requestid', 'x');
    expect(cors.preflight('OPTIONS', from(PREFLIGHT))?.headers).not.toContain('apigw-requestid');
  });
});

describe('decorate', () => {
  const BACKEND = [
    'Content-Type', 'application/json',
    'Access-Control-Allow-Origin', 'https://localhost:3000',
    'Set-Cookie', 'a=1',
    'access-control-allow-credentials', 'true',
    'ACCESS-CONTROL-EXPOSE-HEADERS', 'X-My-Custom-Header',
    'Set-Cookie', 'b=2',
  ];
  const WITHOUT_CORS = ['Content-Type', 'application/json', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'];

  it('drops the backend’s CORS headers even when the request has no Origin', () => {
    const headers = [...BACKEND];
    compileCors(FULL).decorate(undefined, headers);
    expect(headers).toEqual(WITHOUT_CORS);
  });

  it('adds the origin, credentials, exposed headers and Vary for an allowed origin', () => {
    const headers = [...BACKEND];
    compileCors(FULL).decorate('http://localhost:4000', headers);
    expect(headers).toEqual([
      ...WITHOUT_CORS,
      'access-control-allow-origin', 'http://localhost:4000',
      'access-control-allow-credentials', 'true',
      'access-control-expose-headers', 'exposedHeader',
      'vary', 'Origin',
    ]);
  });

  it('adds * without Vary for a * origin, and nothing it was not configured with', () => {
    const headers = ['Content-Type', 'text/plain'];
    compileCors({ allowOrigins: ['*'] }).decorate('https://anywhere.test', headers);
    expect(headers).toEqual(['Content-Type', 'text/plain', 'access-control-allow-origin', '*']);
  });

  it('only drops for an origin that is not allowed', () => {
    const headers = [...BACKEND];
    compileCors(FULL).decorate('http://localhost:3000', headers);
    expect(headers).toEqual(WITHOUT_CORS);
  });

  it('decorates a gateway error the same way', () => {
    const headers = ['content-type', 'application/json'];
    compileCors({ allowOrigins: ['https://*'], exposeHeaders: ['Date', 'x-api-id'] }).decorate('https://app.example.com', headers);
    expect(headers).toEqual([
      'content-type', 'application/json',
      'access-control-allow-origin', 'https://app.example.com',
      'access-control-expose-headers', 'Date,x-api-id',
      'vary', 'Origin',
    ]);
  });
});
