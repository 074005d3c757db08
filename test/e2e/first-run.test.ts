// What a new user does first, with the defaults they get: `archway start` with no flags in a
// project folder (data in the relative ./.archway), then the README's Lambda example through the
// lambda API and behind an AWS_PROXY method (run `npm run build` first).
import { describe, it, expect, afterEach } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  APIGatewayClient, CreateDeploymentCommand, CreateResourceCommand, CreateRestApiCommand, PutIntegrationCommand, PutMethodCommand,
} from '@aws-sdk/client-api-gateway';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { spawnArchway, type ArchwayProcess } from '../helpers/archway-process.js';
import { createFunction, payloadText } from '../helpers/lambda.js';

const running: ArchwayProcess[] = [];
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const p of running.splice(0)) p.child.kill('SIGKILL');
  for (const c of cleanups.splice(0)) c();
});

describe('first run on the defaults', () => {
  it('runs the README Lambda example with the relative default data directory', async () => {
    const project = mkdtempSync(join(tmpdir(), 'archway-first-run-'));
    cleanups.push(() => rmSync(project, { recursive: true, force: true }));
    const archway = await spawnArchway(['--log-level', 'warn'], {}, project);
    running.push(archway);
    const config = { endpoint: archway.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 };
    const lambda = new LambdaClient(config);
    const apigateway = new APIGatewayClient(config);
    cleanups.push(() => { lambda.destroy(); apigateway.destroy(); });

    const source = 'export const handler = async (event) => ({ statusCode: 200, body: JSON.stringify({ path: event.path }) });';
    const arn = await createFunction(lambda, 'hello', source);
    const invoked = await lambda.send(new InvokeCommand({ FunctionName: 'hello', Payload: Buffer.from('{}') }));
    expect(invoked.FunctionError).toBeUndefined();
    expect(JSON.parse(payloadText(invoked.Payload))).toEqual({ statusCode: 200, body: '{}' });

    const api = await apigateway.send(new CreateRestApiCommand({ name: 'first' }));
    const res = await apigateway.send(new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart: 'hello' }));
    await apigateway.send(new PutMethodCommand({ restApiId: api.id, resourceId: res.id, httpMethod: 'GET', authorizationType: 'NONE' }));
    await apigateway.send(new PutIntegrationCommand({
      restApiId: api.id, resourceId: res.id, httpMethod: 'GET', type: 'AWS_PROXY', integrationHttpMethod: 'POST',
      uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${arn}/invocations`,
    }));
    await apigateway.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'dev' }));
    const response = await fetch(`${archway.endpoint}/_aws/execute-api/${api.id}/dev/hello`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ path: '/hello' });

    expect(existsSync(join(project, '.archway', 'archway.db'))).toBe(true);
    expect(archway.output()).toContain(`data in ${join(project, '.archway')}`);
  }, 30_000);
});
