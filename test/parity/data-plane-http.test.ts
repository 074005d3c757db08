// HTTP (non-proxy) integrations over real HTTP: parameter mapping into uri/query/headers, request
// templates and passthrough, overrides, status-code selection, response parameters and templates,
// header remapping.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { request } from 'undici';
import { startBackend, buildApi, type TestBackend, type EchoBody } from '../helpers/backend.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

let backend: TestBackend;
let dp: TestGateway;

beforeAll(async () => {
  backend = await startBackend();
  dp = await startGateway();
  const echoResponses = {
    '200': {
      statusCode: '200',
      responseParameters: {
        'method.response.header.X-Backend': 'integration.response.header.X-Backend',
        'method.response.header.X-Method': 'integration.response.body.method',
        'method.response.header.Server': "'my-server'",
      },
    },
    '404': { statusCode: '404', selectionPattern: '404', responseTemplates: { 'application/json': '{"notFound":true,"was":$input.json(\'$.path\')}' } },
    '500': { statusCode: '500', selectionPattern: '5\\d{2}' },
  };
  const methodResponses = ['200', '404', '500'];
  await dp.deploy(buildApi({
    id: 'httpapi',
    resources: {
      '/pets/{id}': {
        POST: {
          integration: {
            type: 'HTTP', httpMethod: 'PUT', uri: `${backend.url}/backend/pets/{petId}`,
            requestParameters: {
              'integration.request.path.petId': 'method.request.path.id',
              'integration.request.querystring.verbose': 'method.request.querystring.v',
              'integration.request.header.X-Trace': 'method.request.header.X-In',
              'integration.request.header.X-Static': "'static-value'",
              'integration.request.header.X-Color': 'stageVariables.color',
            },
            requestTemplates: {
              'application/json': '#set($context.requestOverride.header.X-Override = "ov")#set($context.requestOverride.querystring.extra = "e1"){"name":$input.json(\'$.name\'),"id":"$input.params(\'id\')","stage":"$context.stage"}',
            },
            integrationResponses: echoResponses,
          },
          methodResponses,
          requestParameters: { 'method.request.path.id': true, 'method.request.querystring.v': false, 'method.request.header.X-In': false },
        },
        GET: {
          integration: {
            type: 'HTTP', httpMethod: 'GET', uri: `${backend.url}/{status}`,
            requestParameters: { 'integration.request.path.status': 'method.request.path.id' },
            integrationResponses: {
              ...echoResponses,
              '200': { ...echoResponses['200'], responseTemplates: { 'application/json': '{"method":$input.json(\'$.method\'),"path":$input.json(\'$.path\')}', 'text/plain': 'path=$input.path(\'$.path\')' } },
            },
          },
          methodResponses,
        },
      },
      '/passthrough': {
        POST: {
          integration: {
            type: 'HTTP', httpMethod: 'POST', uri: `${backend.url}/pt`,
            requestTemplates: { 'application/json': '{"wrapped":$input.body}' },
            integrationResponses: { '200': { statusCode: '200' } },
          },
        },
      },
      '/header-case': {
        POST: {
          integration: {
            type: 'HTTP', httpMethod: 'POST', uri: `${backend.url}/header-case`,
            requestParameters: { 'integration.request.header.X-Mapped': 'method.request.header.X-Case' },
            requestTemplates: { 'application/json': '{"exact":"$input.params(\'X-Case\')","lower":"$input.params(\'x-case\')","map":"$!input.params().header.get(\'X-Case\')"}' },
            integrationResponses: { '200': { statusCode: '200' } },
          },
          requestParameters: { 'method.request.header.X-Case': false },
        },
      },
      '/never': {
        POST: {
          integration: {
            type: 'HTTP', httpMethod: 'POST', uri: `${backend.url}/never`, passthroughBehavior: 'NEVER',
            requestTemplates: { 'application/json': '$input.body' },
            integrationResponses: { '200': { statusCode: '200' } },
          },
        },
      },
      '/whennotemplates': {
        POST: {
          integration: {
            type: 'HTTP', httpMethod: 'POST', uri: `${backend.url}/wnt`, passthroughBehavior: 'WHEN_NO_TEMPLATES',
            requestTemplates: { 'application/json': '$input.body' },
            integrationResponses: { '200': { statusCode: '200' } },
          },
        },
      },
      '/auth': {
        GET: {
          integration: {
            type: 'HTTP', httpMethod: 'GET', uri: `${backend.url}/auth`,
            integrationResponses: {
              '401': {
                statusCode: '401', selectionPattern: '401',
                responseParameters: { 'method.response.header.WWW-Authenticate': 'integration.response.header.WWW-Authenticate' },
              },
            },
          },
          methodResponses: ['401'],
        },
      },
      '/bin/{mode}': {
        GET: {
          integration: {
            type: 'HTTP', httpMethod: 'GET', uri: `${backend.url}/__binary`,
            integrationResponses: {
              '200': { statusCode: '200', responseParameters: { 'method.response.header.Content-Type': 'integration.response.header.Content-Type' } },
            },
          },
        },
      },
      '/bintext': {
        GET: {
          integration: {
            type: 'HTTP', httpMethod: 'GET', uri: `${backend.url}/__binary`,
            integrationResponses: { '200': { statusCode: '200', contentHandling: 'CONVERT_TO_TEXT' } },
          },
        },
      },
      '/upload-b64': {
        POST: {
          integration: {
            type: 'HTTP', httpMethod: 'POST', uri: `${backend.url}/b64`, contentHandling: 'CONVERT_TO_BINARY',
            integrationResponses: { '200': { statusCode: '200' } },
          },
        },
      },
      '/nomatch': {
        GET: {
          integration: {
            type: 'HTTP', httpMethod: 'GET', uri: `${backend.url}/__status/302`,
            integrationResponses: { '200': { statusCode: '200', selectionPattern: '2\\d{2}' } },
          },
        },
      },
    },
    binaryMediaTypes: ['application/octet-stream'],
  }), 'dev', { variables: { color: 'teal' } });
});

afterAll(async () => {
  await dp?.close();
  await backend?.close();
});

async function call(path: string, options: Parameters<typeof request>[1] = {}) {
  const response = await request(dp.invokeUrl('httpapi', 'dev', path), options);
  return { status: response.statusCode, headers: response.headers as Record<string, string | undefined>, body: await response.body.text() };
}
const lastRequest = (): EchoBody => backend.requests[backend.requests.length - 1];

describe('HTTP integration request', () => {
  it('maps path, query and headers, renders the request template and applies requestOverride', async () => {
    const { status, headers, body } = await call('/pets/7?v=yes&ignored=1', {
      method: 'POST', body: '{"name":"Rex"}', headers: { 'content-type': 'application/json', 'X-In': 'trace-1', 'x-not-mapped': 'no' },
    });
    expect(status).toBe(200);
    const sent = lastRequest();
    expect(sent.method).toBe('PUT');
    expect(sent.path).toBe('/backend/pets/7');
    expect(sent.query).toBe('verbose=yes&extra=e1');
    expect(sent.headers['x-trace']).toBe('trace-1');
    expect(sent.headers['x-static']).toBe('static-value');
    expect(sent.headers['x-color']).toBe('teal');
    expect(sent.headers['x-override']).toBe('ov');
    expect(sent.headers['x-not-mapped']).toBeUndefined();
    expect(sent.headers['x-amzn-apigateway-api-id']).toBe('httpapi');
    expect(sent.headers['user-agent']).toBe('AmazonAPIGateway_httpapi');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(JSON.parse(sent.body)).toEqual({ name: 'Rex', id: '7', stage: 'dev' });
    // Response: only mapped headers reach the client; Server is remapped.
    expect(headers['x-backend']).toBe('echo');
    expect(headers['x-method']).toBe('PUT');
    expect(headers['x-amzn-remapped-server']).toBe('my-server');
    expect(headers.server).toBeUndefined();
    expect(headers['content-type']).toBe('application/json');
    expect(JSON.parse(body).path).toBe('/backend/pets/7');
  });

  it('looks method request headers up case-sensitively, by the name the client sent', async () => {
    await call('/header-case', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', 'X-Case': 'A' } });
    expect(lastRequest().headers['x-mapped']).toBe('A');
    expect(JSON.parse(lastRequest().body)).toEqual({ exact: 'A', lower: '', map: 'A' });
    await call('/header-case', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', 'x-case': 'b' } });
    expect(lastRequest().headers['x-mapped']).toBeUndefined();
    expect(JSON.parse(lastRequest().body)).toEqual({ exact: '', lower: 'b', map: '' });
  });

  it('passes the body through when no template matches (WHEN_NO_MATCH)', async () => {
    await call('/passthrough', { method: 'POST', body: 'plain text', headers: { 'content-type': 'text/plain' } });
    expect(lastRequest().body).toBe('plain text');
    expect(lastRequest().headers['content-type']).toBe('text/plain');
    await call('/passthrough', { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(lastRequest().body).toBe('{"wrapped":{"a":1}}');
  });

  it('uses the application/json template when the request has no Content-Type', async () => {
    await call('/passthrough', { method: 'POST', body: '[1]' });
    expect(lastRequest().body).toBe('{"wrapped":[1]}');
  });

  it('415 for NEVER and for WHEN_NO_TEMPLATES with templates but no match', async () => {
    for (const path of ['/never', '/whennotemplates']) {
      const before = backend.requests.length;
      const { status, headers, body } = await call(path, { method: 'POST', body: 'x', headers: { 'content-type': 'text/plain' } });
      expect(status).toBe(415);
      expect(body).toBe('{"message":"Unsupported Media Type"}');
      expect(headers['x-amzn-errortype']).toBe('BadRequestException');
      expect(backend.requests.length).toBe(before);
    }
    expect((await call('/never', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(200);
  });
});

describe('binary payloads', () => {
  const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

  it('passes a binary body through when Accept is a binary media type', async () => {
    const response = await request(dp.invokeUrl('httpapi', 'dev', '/bin/raw'), { headers: { accept: 'application/octet-stream' } });
    const body = Buffer.from(await response.body.arrayBuffer());
    expect(response.statusCode).toBe(200);
    expect(body.equals(bytes)).toBe(true);
    expect(response.headers['content-type']).toBe('application/octet-stream');
  });

  it('base64-encodes a binary body for a text Accept, and with CONVERT_TO_TEXT', async () => {
    expect((await call('/bin/text', { headers: { accept: 'application/json' } })).body).toBe(bytes.toString('base64'));
    expect((await call('/bintext', { headers: { accept: 'application/octet-stream' } })).body).toBe(bytes.toString('base64'));
  });

  it('decodes a base64 request body with CONVERT_TO_BINARY', async () => {
    await call('/upload-b64', { method: 'POST', body: bytes.toString('base64'), headers: { 'content-type': 'text/plain' } });
    expect(lastRequest().bodyLength).toBe(256);
  });
});

describe('HTTP integration response', () => {
  it('selects by backend status code and renders that response template', async () => {
    backend.respond = (req) => (req.path === '/404' ? { status: 404 } : undefined);
    const notFound = await call('/pets/404');
    backend.respond = undefined;
    expect(notFound.status).toBe(404);
    expect(notFound.body).toBe('{"notFound":true,"was":"/404"}');
  });

  it('chooses the response template by Accept', async () => {
    const json = await call('/pets/ok');
    expect(json.body).toBe('{"method":"GET","path":"/ok"}');
    const text = await call('/pets/ok', { headers: { accept: 'text/plain' } });
    expect(text.body).toBe('path=/ok');
    expect(text.headers['content-type']).toBe('text/plain');
  });

  it('maps 5xx by pattern and passes the backend body through without a template', async () => {
    backend.respond = (req) => (req.path === '/503' ? { status: 503, body: '{"down":true}' } : undefined);
    const { status, body, headers } = await call('/pets/503');
    backend.respond = undefined;
    expect(status).toBe(500);
    expect(body).toBe('{"down":true}');
    expect(headers['content-type']).toBe('application/json');
  });

  it('remaps WWW-Authenticate from a backend 401', async () => {
    backend.respond = (req) => (req.path === '/auth' ? { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="x"' }, body: 'no' } : undefined);
    const { status, headers } = await call('/auth');
    backend.respond = undefined;
    expect(status).toBe(401);
    expect(headers['x-amzn-remapped-www-authenticate']).toBe('Basic realm="x"');
    expect(headers['www-authenticate']).toBeUndefined();
  });

  it('answers 500 when no integration response matches and there is no default', async () => {
    const { status, body } = await call('/nomatch');
    expect(status).toBe(500);
    expect(body).toBe('{"message": "Internal server error"}');
  });
});
