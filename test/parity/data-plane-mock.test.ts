// MOCK integrations over real HTTP
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-mock-integration.html):
// request template → statusCode, integration response selection, response templates chosen by
// Accept, response parameters, overrides, $context.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { request } from 'undici';
import { buildApi } from '../helpers/backend.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';

let dp: TestGateway;

const OVERRIDING_REQUEST_TEMPLATE = `
#set($context.responseOverride.status = 444)
#set($context.responseOverride.header.foo = "bar")
#set($context.responseOverride.custom = "is also passed around")
{
  "statusCode": 200
}
`;
const READING_RESPONSE_TEMPLATE = `
#set($statusOverride = $context.responseOverride.status)
#set($fooHeader = $context.responseOverride.header.foo)
#set($custom = $context.responseOverride.custom)
{
    "statusOverride": "$statusOverride",
    "fooHeader": "$fooHeader",
    "custom": "$custom"
}
`;

beforeAll(async () => {
  dp = await startGateway();
  await dp.deploy(buildApi({
    id: 'mockapi',
    resources: {
      '/scope': {
        GET: {
          integration: {
            type: 'MOCK',
            requestTemplates: { 'application/json': '{ #if( $input.params(\'scope\') == "internal" ) "statusCode": 200 #else "statusCode": 500 #end }' },
            integrationResponses: {
              '200': {
                statusCode: '200',
                responseTemplates: {
                  'application/json': '{ "statusCode": 200, "message": "Go ahead without me" }',
                  'text/html': '<p>go ahead</p>',
                },
                responseParameters: { 'method.response.header.X-Static': "'yes'", 'method.response.header.X-Req': 'context.requestId' },
              },
              '500': {
                statusCode: '500',
                selectionPattern: '5\\d{2}',
                responseTemplates: { 'application/json': '{ "statusCode": 500, "message": "The invoked method is not supported on the API resource." }' },
              },
            },
          },
          methodResponses: { '200': { statusCode: '200', responseParameters: { 'method.response.header.X-Static': false, 'method.response.header.X-Req': false } }, '500': { statusCode: '500' } },
        },
      },
      '/ctx/{id}': {
        ANY: {
          integration: {
            type: 'MOCK',
            requestTemplates: { 'application/json': '{"statusCode": 200}' },
            integrationResponses: {
              '200': {
                statusCode: '200',
                responseTemplates: {
                  'application/json': '{"path":"$context.path","resourcePath":"$context.resourcePath","method":"$context.httpMethod","stage":"$context.stage","apiId":"$context.apiId","id":"$input.params(\'id\')","requestId":"$context.requestId","color":"$stageVariables.color","sourceIp":"$context.identity.sourceIp","ua":"$context.identity.userAgent"}',
                },
              },
            },
          },
        },
      },
      '/override': {
        GET: {
          integration: {
            type: 'MOCK',
            requestTemplates: { 'application/json': '{"statusCode": 200}' },
            integrationResponses: {
              '200': {
                statusCode: '200',
                responseTemplates: { 'application/json': '#set($context.responseOverride.status = 418)#set($context.responseOverride.header.X-Teapot = "short")I am a teapot' },
              },
            },
          },
          methodResponses: ['200', '418'],
        },
      },
      '/default': {
        GET: { integration: { type: 'MOCK', integrationResponses: { '200': { statusCode: '200', responseTemplates: { 'application/json': '{"default":true}' } } } } },
      },
      '/nostatus': {
        GET: {
          integration: {
            type: 'MOCK', requestTemplates: { 'application/json': '{"hello": "world"}' },
            integrationResponses: { '200': { statusCode: '200' } },
          },
        },
      },
      '/nomethodresponse': {
        GET: {
          integration: {
            type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 404}' },
            integrationResponses: { '200': { statusCode: '200' }, '404': { statusCode: '404', selectionPattern: '404' } },
          },
          methodResponses: ['200'],
        },
      },
      '/nomatch': {
        GET: {
          integration: {
            type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 404}' },
            integrationResponses: { '500': { statusCode: '500', selectionPattern: '5\\d{2}' } },
          },
          methodResponses: ['500'],
        },
      },
      '/badtemplate': {
        GET: {
          integration: {
            type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}\n#if($x\n' },
            integrationResponses: { '200': { statusCode: '200' } },
          },
        },
      },
      '/passthrough': {
        GET: { integration: { type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' }, integrationResponses: { '200': { statusCode: '200' } } } },
      },
      // AWS-recorded (LocalStack's test_integration_mock_with_response_override_in_request_template).
      ...Object.fromEntries([['/request-override', true], ['/request-override-bare', false]].map(([path, withTemplate]) => [path, {
        GET: {
          integration: {
            type: 'MOCK',
            requestTemplates: { 'application/json': OVERRIDING_REQUEST_TEMPLATE },
            integrationResponses: { '200': { statusCode: '200', selectionPattern: '2\\d{2}', ...(withTemplate ? { responseTemplates: { 'application/json': READING_RESPONSE_TEMPLATE } } : {}) } },
          },
          methodResponses: { '200': { statusCode: '200' } },
        },
      }])),
    },
  }), 'dev', { variables: { color: 'red' } });
});

afterAll(async () => {
  await dp?.close();
});

async function call(path: string, options: Parameters<typeof request>[1] = {}) {
  const response = await request(dp.invokeUrl('mockapi', 'dev', path), options);
  return { status: response.statusCode, headers: response.headers as Record<string, string | undefined>, body: await response.body.text() };
}

describe('MOCK integration', () => {
  it('selects the default response from {"statusCode": 200} (AWS docs example)', async () => {
    const { status, headers, body } = await call('/scope?scope=internal');
    expect(status).toBe(200);
    expect(body).toBe('{ "statusCode": 200, "message": "Go ahead without me" }');
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-static']).toBe('yes');
    expect(headers['x-req']).toBe(headers['x-amzn-requestid']);
    expect(headers['x-amz-apigw-id']).toBeDefined();
    expect(headers['x-amzn-trace-id']).toBeUndefined();
  });

  it('selects by pattern on the status code', async () => {
    const { status, body } = await call('/scope?scope=public');
    expect(status).toBe(500);
    expect(body).toBe('{ "statusCode": 500, "message": "The invoked method is not supported on the API resource." }');
  });

  it('chooses the response template by Accept', async () => {
    const { headers, body } = await call('/scope?scope=internal', { headers: { accept: 'text/html' } });
    expect(body).toBe('<p>go ahead</p>');
    expect(headers['content-type']).toBe('text/html');
    const fallback = await call('/scope?scope=internal', { headers: { accept: 'image/png' } });
    expect(fallback.headers['content-type']).toBe('application/json');
  });

  it('exposes $context, path parameters and stage variables to templates', async () => {
    const { body, headers } = await call('/ctx/42?x=1', { method: 'PATCH', headers: { 'user-agent': 'tester/1' } });
    const parsed = JSON.parse(body);
    expect(parsed).toEqual({
      path: '/dev/ctx/42', resourcePath: '/ctx/{id}', method: 'PATCH', stage: 'dev', apiId: 'mockapi', id: '42',
      requestId: headers['x-amzn-requestid'], color: 'red', sourceIp: '127.0.0.1', ua: 'tester/1',
    });
  });

  it('applies $context.responseOverride status and headers', async () => {
    const { status, headers, body } = await call('/override');
    expect(status).toBe(418);
    expect(headers['x-teapot']).toBe('short');
    expect(body).toBe('I am a teapot');
  });

  it('uses the default response when there is no request template', async () => {
    const { status, body } = await call('/default');
    expect(status).toBe(200);
    expect(body).toBe('{"default":true}');
  });

  it('answers 500 when the template output has no integer statusCode', async () => {
    const { status, headers, body } = await call('/nostatus');
    expect(status).toBe(500);
    expect(body).toBe('{"message": "Internal server error"}');
    expect(headers['x-amzn-errortype']).toBe('InternalServerErrorException');
    expect(dp.logs.find((l) => l.path === '/nostatus')?.error).toMatch(/Unable to parse statusCode/);
  });

  it('answers 500 when the selected status has no method response', async () => {
    const { status, body } = await call('/nomethodresponse');
    expect(status).toBe(500);
    expect(body).toBe('{"message": "Internal server error"}');
  });

  it('answers 500 when no integration response matches and there is no default', async () => {
    const { status, body } = await call('/nomatch');
    expect(status).toBe(500);
    expect(body).toBe('{"message": "Internal server error"}');
    expect(dp.logs.find((l) => l.path === '/nomatch')?.error).toMatch(/No match for output mapping/);
  });

  it('reports a broken template with its line in the request log', async () => {
    const { status } = await call('/badtemplate');
    expect(status).toBe(500);
    expect(dp.logs.find((l) => l.path === '/badtemplate')?.error).toMatch(/template error/);
  });

  it('returns an empty JSON response when the integration response has no template', async () => {
    const { status, headers, body } = await call('/passthrough');
    expect(status).toBe(200);
    expect(body).toBe('');
    expect(headers['content-type']).toBe('application/json');
    expect(headers['content-length']).toBe('0');
  });

  it('answers HEAD without a body', async () => {
    const response = await request(dp.invokeUrl('mockapi', 'dev', '/ctx/1'), { method: 'HEAD' });
    expect(response.statusCode).toBe(200);
    expect(await response.body.text()).toBe('');
  });

  it('a response override set in the request template applies to the final response and is readable in the response template', async () => {
    const withTemplate = await call('/request-override');
    expect(withTemplate.status).toBe(444);
    expect(withTemplate.headers.foo).toBe('bar');
    expect(JSON.parse(withTemplate.body)).toEqual({ custom: 'is also passed around', fooHeader: 'bar', statusOverride: '444' });
    const bare = await call('/request-override-bare');
    expect(bare.status).toBe(444);
    expect(bare.headers.foo).toBe('bar');
    expect(bare.body).toBe('');
  });
});
