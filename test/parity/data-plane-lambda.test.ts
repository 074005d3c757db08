// AWS (non-proxy) Lambda integrations end to end
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/handle-errors-in-lambda-integration.html):
// request templates build the payload, integration responses are chosen by `selectionPattern`
// against the function error's `errorMessage`, unmatched errors fall to the default response (200)
// with the error JSON, response templates and parameters shape the answer.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { request } from 'undici';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateDeploymentCommand, CreateResourceCommand, CreateRestApiCommand, GetResourcesCommand, PutIntegrationCommand, PutIntegrationResponseCommand,
  PutMethodCommand, PutMethodResponseCommand, TestInvokeMethodCommand, type APIGatewayClient,
} from '@aws-sdk/client-api-gateway';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { createFunction, lambdaClient } from '../helpers/lambda.js';

let archway: TestArchway;
let lambda: LambdaClient;
let gw: APIGatewayClient;
let apiId: string;
let calcId: string;

/** Adds `a` and `b`; fails with messages the integration responses select on. */
const CALC = `export const handler = async (event) => {
  if (event.op === 'fail') throw new Error('[BadRequest] operands must be numbers');
  if (event.op === 'crash') throw new TypeError('something else went wrong');
  if (event.op === 'missing') { const e = new Error('Not Found: item ' + event.a); e.name = 'NotFound'; throw e; }
  return { sum: event.a + event.b, seen: event };
};`;

beforeAll(async () => {
  archway = await startArchway();
  lambda = lambdaClient(archway);
  gw = archway.apigateway;
  const arn = await createFunction(lambda, 'calc', CALC);
  apiId = (await gw.send(new CreateRestApiCommand({ name: 'lambda-custom' }))).id!;
  const rootId = (await gw.send(new GetResourcesCommand({ restApiId: apiId }))).items![0].id!;
  calcId = (await gw.send(new CreateResourceCommand({ restApiId: apiId, parentId: rootId, pathPart: 'calc' }))).id!;
  const base = { restApiId: apiId, resourceId: calcId, httpMethod: 'GET' };
  await gw.send(new PutMethodCommand({ ...base, authorizationType: 'NONE', requestParameters: { 'method.request.querystring.a': false } }));
  await gw.send(new PutIntegrationCommand({
    ...base, type: 'AWS', integrationHttpMethod: 'POST',
    uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${arn}/invocations`,
    requestTemplates: {
      'application/json': '{"a": $input.params(\'a\'), "b": $input.params(\'b\'), "op": "$input.params(\'op\')", "stage": "$context.stage", "v": "$stageVariables.v"}',
    },
  }));
  for (const statusCode of ['200', '400', '404']) await gw.send(new PutMethodResponseCommand({ ...base, statusCode, responseParameters: { 'method.response.header.X-Version': false } }));
  await gw.send(new PutIntegrationResponseCommand({
    ...base, statusCode: '200',
    responseParameters: { 'method.response.header.X-Version': 'integration.response.header.X-Amz-Executed-Version' },
  }));
  await gw.send(new PutIntegrationResponseCommand({
    ...base, statusCode: '400', selectionPattern: '\\[BadRequest\\].*',
    responseTemplates: { 'application/json': '{"error": $input.json(\'$.errorMessage\'), "type": $input.json(\'$.errorType\')}' },
  }));
  await gw.send(new PutIntegrationResponseCommand({ ...base, statusCode: '404', selectionPattern: 'Not Found: .*' }));
  await gw.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'dev', variables: { v: 'seven' } }));
});

afterAll(async () => {
  lambda?.destroy();
  await archway?.stop();
});

async function call(query: string) {
  const response = await request(archway.invokeUrl(apiId, 'dev', `/calc?${query}`));
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

describe('AWS integration with Lambda', () => {
  it('sends the request template output and answers the result with the mapped headers', async () => {
    const { status, headers, text } = await call('a=2&b=3');
    expect(status).toBe(200);
    // The default response has no template: the function's result passes through.
    expect(JSON.parse(text)).toEqual({ sum: 5, seen: { a: 2, b: 3, op: '', stage: 'dev', v: 'seven' } });
    expect(headers['x-version']).toBe('$LATEST');
    expect(headers['content-type']).toBe('application/json');
  });

  it('selects the integration response whose selectionPattern matches the whole errorMessage, with its template', async () => {
    const bad = await call('a=1&b=2&op=fail');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toEqual({ error: '[BadRequest] operands must be numbers', type: 'Error' });
    const missing = await call('a=9&b=0&op=missing');
    expect(missing.status).toBe(404);
    // No response template: the error object passes through.
    expect(JSON.parse(missing.text)).toMatchObject({ errorType: 'NotFound', errorMessage: 'Not Found: item 9' });
  });

  it('answers an unmatched function error with the default response (200) and the error JSON', async () => {
    const { status, text } = await call('a=1&b=1&op=crash');
    expect(status).toBe(200);
    const error = JSON.parse(text);
    expect(error).toMatchObject({ errorType: 'TypeError', errorMessage: 'something else went wrong' });
    expect(error.trace[0]).toBe('TypeError: something else went wrong');
  });

  it('works through TestInvokeMethod', async () => {
    const result = await gw.send(new TestInvokeMethodCommand({
      restApiId: apiId, resourceId: calcId, httpMethod: 'GET', pathWithQueryString: '/calc?a=40&b=2', stageVariables: { v: 'ti' },
    }));
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body!)).toEqual({ sum: 42, seen: { a: 40, b: 2, op: '', stage: 'test-invoke-stage', v: 'ti' } });
    expect(result.log).toContain('Endpoint request body after transformations: {"a": 40, "b": 2');
  });
});
