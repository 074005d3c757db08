// Hostile mapping templates and selection patterns over loopback (issue "The first ten minutes and
// the worst hour"): each attack fails (or succeeds) on its own request only, answers at once and
// leaves health answering. Before the render budget and RE2, the range aborted the process and the
// others froze every API for 10–45 s.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { buildApi } from '../helpers/backend.js';
import { startGateway, type TestGateway } from '../helpers/gateway.js';
import { createFunction, lambdaClient } from '../helpers/lambda.js';
import { attack, healthStatus } from './health-during.js';

const OK = '{"statusCode": 200}';
const EVIL_VALUE = 'a'.repeat(32) + '!';

let dp: TestGateway;
let lambda: LambdaClient;

/** A MOCK method answering 200 through `responseTemplate` (after `requestTemplate`). */
function mock(responseTemplate: string, requestTemplate = OK) {
  return {
    integration: {
      type: 'MOCK' as const,
      requestTemplates: { 'application/json': requestTemplate },
      integrationResponses: { '200': { statusCode: '200', responseTemplates: { 'application/json': responseTemplate } } },
    },
  };
}

beforeAll(async () => {
  dp = await startGateway();
  lambda = lambdaClient({ endpoint: dp.url });
  const arn = await createFunction(lambda, 'fails', `export const handler = async () => { throw new Error(${JSON.stringify(EVIL_VALUE)}); };`);
  await dp.deploy(buildApi({
    id: 'hostile',
    resources: {
      '/range': { GET: mock("#foreach($i in [1..$input.params('n')])#set($last = $i)#end{\"last\": $last}") },
      '/nested': { GET: mock('#foreach($a in [1..1000])#foreach($b in [1..1000])#foreach($c in [1..1000])x#end#end#end') },
      '/double': { GET: mock('#set($s = "abcd")#foreach($i in [1..26])#set($s = "$s$s")#end$s') },
      '/replace': { POST: mock('{"ok": true}', `#set($x = $input.body.replaceAll('(a+)+$', 'x')){"statusCode": 200}`) },
      '/lookahead': { POST: mock('{"ok": true}', `#set($x = $input.body.replaceAll('(?=(a+)+b)', 'x')){"statusCode": 200}`) },
      '/selection': {
        GET: {
          integration: {
            type: 'AWS', httpMethod: 'POST', uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${arn}/invocations`,
            integrationResponses: {
              '200': { statusCode: '200', responseTemplates: { 'application/json': '{"selected": "default"}' } },
              '400': { statusCode: '400', selectionPattern: '(a+)+$' },
              '401': { statusCode: '401', selectionPattern: '(?=(a+)+b)[\\s\\S]*' },
            },
          },
          methodResponses: ['200', '400', '401'],
        },
      },
    },
  }), 'dev');
});

afterAll(async () => {
  lambda?.destroy();
  await dp?.close();
});

const url = (path: string) => dp.invokeUrl('hostile', 'dev', path);
const logOf = (path: string) => dp.logs.find((entry) => entry.path === path);

describe('hostile templates', () => {
  it('a range of a billion numbers loops 1 000 times and the process stays up', async () => {
    const outcome = await attack(url('/range?n=1000000000'));
    expect(outcome).toMatchObject({ status: 200, body: '{"last": 1000}' });
    expect(await healthStatus(dp.url)).toBe(200);
  });

  it('loops nested three deep fail that request with a 500 and the reason in its log', async () => {
    const outcome = await attack(url('/nested'));
    expect(outcome).toMatchObject({ status: 500, body: '{"message": "Internal server error"}' });
    expect(logOf('/nested')?.error).toMatch(/template budget exceeded: more than 25000 #foreach iterations/);
    expect(await healthStatus(dp.url)).toBe(200);
  });

  it('a string doubled 26 times fails before it is 10 MB instead of answering 134 MB', async () => {
    const outcome = await attack(url('/double'));
    expect(outcome).toMatchObject({ status: 500, body: '{"message": "Internal server error"}' });
    expect(logOf('/double')?.error).toMatch(/template budget exceeded: output over the 10485760-byte payload limit/);
    expect(await healthStatus(dp.url)).toBe(200);
  });

  it("replaceAll('(a+)+$') over the body answers at once", async () => {
    const outcome = await attack(url('/replace'), { method: 'POST', body: EVIL_VALUE });
    expect(outcome).toMatchObject({ status: 200, body: '{"ok": true}' });
    expect(await healthStatus(dp.url)).toBe(200);
  });

  it('a catastrophic lookahead (no linear-time form) is interrupted: 500, and the log names the pattern', async () => {
    const outcome = await attack(url('/lookahead'), { method: 'POST', body: EVIL_VALUE });
    expect(outcome).toMatchObject({ status: 500, body: '{"message": "Internal server error"}' });
    expect(logOf('/lookahead')?.error).toMatch(/the pattern "\(\?=\(a\+\)\+b\)" needs backtracking \(no linear-time form\) and took more than 50 ms/);
    expect(await healthStatus(dp.url)).toBe(200);
  });

  it("selectionPatterns '(a+)+$' (RE2) and a catastrophic lookahead (interrupted) against a 32-character errorMessage answer at once (no match: the default response)", async () => {
    const outcome = await attack(url('/selection'));
    expect(outcome).toMatchObject({ status: 200, body: '{"selected": "default"}' });
    expect(await healthStatus(dp.url)).toBe(200);
  });
});
