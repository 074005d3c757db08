import { describe, it, expect } from 'vitest';
import { parseMockStatusCode } from '../../../src/integrations/mock.js';
import { integrationError } from '../../../src/integrations/http.js';
import { isSigV4Authorization, traceId } from '../../../src/integrations/headers.js';
import { IntegrationFailureError, IntegrationTimeoutError } from '../../../src/data-plane/errors/index.js';

describe('MOCK statusCode', () => {
  it('reads an integer statusCode from the template output', () => {
    expect(parseMockStatusCode('{"statusCode": 200}')).toBe(200);
    expect(parseMockStatusCode('{  "statusCode": 500  }')).toBe(500);
    expect(parseMockStatusCode('{"statusCode": 201, "x": [1,]}')).toBe(201);
  });
  it('refuses what is not an integer', () => {
    expect(parseMockStatusCode('{"statusCode": "200"}')).toBeUndefined();
    expect(parseMockStatusCode('{"statusCode": 2.5}')).toBeUndefined();
    expect(parseMockStatusCode('hello')).toBeUndefined();
    expect(parseMockStatusCode('')).toBeUndefined();
  });
});

describe('integration failures', () => {
  it('maps timeouts to INTEGRATION_TIMEOUT', () => {
    const error = integrationError(Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' }), 50);
    expect(error).toBeInstanceOf(IntegrationTimeoutError);
    expect(error.reason).toBe('endpoint request timed out after 50 ms');
  });
  it('maps unreachable backends to INTEGRATION_FAILURE with a reason', () => {
    const refused = integrationError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 50);
    expect(refused).toBeInstanceOf(IntegrationFailureError);
    expect(refused.reason).toBe('backend refused connection');
    const dns = integrationError(Object.assign(new Error('x'), { cause: { code: 'ENOTFOUND' } }), 50);
    expect(dns.reason).toBe('backend host not found (DNS)');
  });
});

describe('header helpers', () => {
  it('recognises SigV4 authorization', () => {
    expect(isSigV4Authorization('AWS4-HMAC-SHA256 Credential=x')).toBe(true);
    expect(isSigV4Authorization('Bearer abc')).toBe(false);
  });
  it('derives a trace id from the request id', () => {
    expect(traceId('12345678-1234-1234-1234-123456789abc', 1_700_000_000_000)).toBe('Root=1-6553f100-123456781234123412341234');
  });
});
