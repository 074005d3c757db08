// The built `archway` command with OpenAPI files: `start --import` (and restarts that replace the
// same API), `--watch` (new behaviour served without a restart; a broken file keeps the last good
// deployment and prints why), an HTTP API's document (served by its `$default` stage), and
// `archway import` / `archway export` against a running Archway.
// Run `npm run build` first.
import { afterEach, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APIGatewayClient, GetDeploymentsCommand, GetIntegrationCommand, GetResourcesCommand, GetRestApisCommand } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client, GetApisCommand, GetStagesCommand } from '@aws-sdk/client-apigatewayv2';
import { runArchway as run, spawnArchway, type ArchwayProcess } from '../helpers/archway-process.js';
import { startBackend } from '../helpers/backend.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/openapi/', import.meta.url));

const running: ArchwayProcess[] = [];
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const p of running.splice(0)) p.child.kill('SIGKILL');
  for (const c of cleanups.splice(0)) c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'archway-openapi-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function start(args: string[]): Promise<ArchwayProcess> {
  const p = await spawnArchway(['--log-level', 'warn', ...args]);
  running.push(p);
  return p;
}


async function eventually(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 8000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const importedId = (p: ArchwayProcess) => /as API ([a-z0-9_-]+)/.exec(p.output())?.[1] as string;
const get = async (p: ArchwayProcess, apiId: string, stage: string, path: string) => {
  const res = await fetch(`${p.endpoint}/_aws/execute-api/${apiId}/${stage}${path}`);
  return { status: res.status, text: await res.text() };
};

function client(endpoint: string, region = 'us-east-1'): APIGatewayClient {
  const c = new APIGatewayClient({ endpoint, region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  cleanups.push(() => c.destroy());
  return c;
}

describe('archway start --import', () => {
  it('imports and deploys the file at startup and prints the stage invoke URL', async () => {
    const p = await start(['--in-memory', '--import', join(FIXTURES, 'petstore.yaml'), '--stage', 'v1']);
    const apiId = importedId(p);
    expect(apiId).toMatch(/^[a-z0-9]{10}$/);
    expect(p.output()).toContain(`on stage v1: http://localhost:${p.port}/_aws/execute-api/${apiId}/v1/`);
    expect(await get(p, apiId, 'v1', '/pets/42')).toEqual({ status: 200, text: '{"id": 42, "type": "dog", "price": 249.99}' });
  });

  it('uses --api-id, else the _custom_id_ tag', async () => {
    const p = await start(['--in-memory', '--import', join(FIXTURES, 'anchors.yaml'), '--api-id', 'anchored01']);
    expect(importedId(p)).toBe('anchored01');
    expect(await get(p, 'anchored01', 'dev', '/alpha')).toEqual({ status: 200, text: '{"name": "alpha"}' });
    const q = await start(['--in-memory', '--import', join(FIXTURES, 'every-extension.json')]);
    expect(importedId(q)).toBe('everything1');
  });

  it('replaces the same API on restart: restarts are idempotent', async () => {
    const dir = tempDir();
    const file = join(dir, 'api.yaml');
    copyFileSync(join(FIXTURES, 'anchors.yaml'), file);
    const first = await start(['--data-dir', join(dir, 'data'), '--import', file]);
    const apiId = importedId(first);
    first.child.kill('SIGTERM');
    const code = await first.exited;
    expect(code, first.output()).toBe(0);

    const second = await start(['--data-dir', join(dir, 'data'), '--import', file]);
    expect(importedId(second)).toBe(apiId);
    expect(second.output()).toContain('  no changes');
    const apis = await client(second.endpoint).send(new GetRestApisCommand({}));
    expect(apis.items?.map((a) => a.id)).toEqual([apiId]);
    expect(await get(second, apiId, 'dev', '/beta')).toEqual({ status: 200, text: '{"name": "beta"}' });
  });

  it('resolves the AWS variables with --region and --account-id', async () => {
    const p = await start(['--in-memory', '--region', 'eu-west-1', '--account-id', '111122223333', '--import', join(FIXTURES, 'aws-variables.yaml')]);
    const restApiId = importedId(p);
    const c = client(p.endpoint, 'eu-west-1');
    const root = (await c.send(new GetResourcesCommand({ restApiId }))).items!.find((r) => r.path === '/')!;
    const integration = await c.send(new GetIntegrationCommand({ restApiId, resourceId: root.id, httpMethod: 'GET' }));
    expect(integration.uri).toBe('arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111122223333:function:LambdaFunctionName/invocations');
  });

  it('stops with the import error when the file is refused', async () => {
    const result = await run(['start', '--in-memory', '--port', '0', '--log-level', 'warn', '--import', join(FIXTURES, 'broken/malformed-integration.yaml')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('failed: BadRequestException: Unable to parse API definition because of a malformed integration at path /.');
    expect(result.stdout).not.toContain('listening');
  });

  it('refuses --watch without --import', async () => {
    const result = await run(['start', '--in-memory', '--watch']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('archway: --watch needs --import FILE');
  });
});

describe('archway start --import --watch', () => {
  it('serves the edited file without a restart, and keeps the last good deployment when the file breaks', async () => {
    const dir = tempDir();
    const file = join(dir, 'api.yaml');
    const original = readFileSync(join(FIXTURES, 'anchors.yaml'), 'utf8');
    writeFileSync(file, original);
    const p = await start(['--in-memory', '--import', file, '--watch']);
    const apiId = importedId(p);
    expect(p.output()).toContain(`Watching ${file} for changes`);
    expect(await get(p, apiId, 'dev', '/alpha')).toEqual({ status: 200, text: '{"name": "alpha"}' });

    // an edit: a new response body and a new path
    writeFileSync(file, original.replace('{"name": "alpha"}', '{"name": "alpha", "version": 2}').replace('paths:\n', [
      'paths:',
      '  /gamma:',
      '    get:',
      '      responses:',
      '        "200":',
      '          description: gamma',
      '      x-amazon-apigateway-integration:',
      '        <<: *mock',
      '        responses:',
      '          default:',
      '            statusCode: "200"',
      '            responseTemplates:',
      `              application/json: '{"name": "gamma"}'`,
      '',
    ].join('\n')));
    await eventually(async () => (await get(p, apiId, 'dev', '/alpha')).text === '{"name": "alpha", "version": 2}', 'the edited response');
    expect(await get(p, apiId, 'dev', '/gamma')).toEqual({ status: 200, text: '{"name": "gamma"}' });
    await eventually(() => p.output().includes('Reloaded'), 'the reload report');
    expect(p.output()).toMatch(/Reloaded .*api\.yaml as API [a-z0-9]+, deployment [a-z0-9]{6} on stage dev: /);
    expect(p.output()).toContain('  ~ GET /alpha\n  + GET /gamma\n');

    // a YAML syntax error: reported, and the last good deployment is still served
    writeFileSync(file, `${original}\n  broken: [\n`);
    await eventually(() => p.output().includes('Reload of'), 'the syntax error report');
    expect(p.output()).toContain(`Reload of ${file} failed; still serving the last good deployment: BadRequestException: Invalid OpenAPI input. YAML error at line`);
    expect(await get(p, apiId, 'dev', '/alpha')).toEqual({ status: 200, text: '{"name": "alpha", "version": 2}' });

    // a document API Gateway refuses: same
    writeFileSync(file, original.replace('type: mock', 'type: http\n    httpMethod: GET\n    uri: not-a-url'));
    await eventually(() => p.output().includes('Errors found during import'), 'the import error report');
    expect(p.output()).toContain("Unable to put integration on 'GET' for resource at path '/alpha': Invalid HTTP endpoint specified for URI");
    expect(await get(p, apiId, 'dev', '/gamma')).toEqual({ status: 200, text: '{"name": "gamma"}' });

    // fixed again: served
    writeFileSync(file, original);
    await eventually(async () => (await get(p, apiId, 'dev', '/alpha')).text === '{"name": "alpha"}', 'the fixed file');
    expect((await get(p, apiId, 'dev', '/gamma')).status).toBe(403);

    // a save that changes nothing an API sees (a comment) keeps the deployment
    const deployments = async () => (await client(p.endpoint).send(new GetDeploymentsCommand({ restApiId: apiId }))).items?.length;
    await eventually(() => p.output().split('Reloaded').length === 3, 'the fixed file report');
    const before = await deployments();
    writeFileSync(file, `# just a comment\n${original}`);
    await eventually(() => p.output().includes(' kept on stage dev'), 'the no-change report');
    expect(p.output()).toMatch(/Reloaded .*api\.yaml as API [a-z0-9]+, deployment [a-z0-9]{6} kept on stage dev: .*\n {2}no changes\n/);
    expect(await deployments()).toBe(before);
  });
});

describe('archway start --import: import and deploy as one step', () => {
  const original = readFileSync(join(FIXTURES, 'anchors.yaml'), 'utf8');
  /** anchors.yaml plus GET /gamma, which has no integration: it imports, but cannot be deployed. */
  const undeployable = original.replace('paths:\n', 'paths:\n  /gamma:\n    get:\n      responses:\n        "200":\n          description: gamma\n');

  it('a file that cannot be deployed creates no API, and the error names the method', async () => {
    const dir = tempDir();
    const file = join(dir, 'api.yaml');
    writeFileSync(file, undeployable);
    const result = await run(['start', '--data-dir', join(dir, 'data'), '--port', '0', '--log-level', 'warn', '--import', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Import of ${file} failed: BadRequestException: No integration defined for method (GET /gamma)`);
    const p = await start(['--data-dir', join(dir, 'data')]);
    expect((await client(p.endpoint).send(new GetRestApisCommand({}))).items).toEqual([]);
  });

  it('--watch: a reload that cannot be deployed leaves the working copy as it was, so the next reload reports only its own changes', async () => {
    const dir = tempDir();
    const file = join(dir, 'api.yaml');
    writeFileSync(file, original);
    const p = await start(['--in-memory', '--import', file, '--watch']);
    const apiId = importedId(p);

    writeFileSync(file, undeployable);
    await eventually(() => p.output().includes('Reload of'), 'the deploy error report');
    expect(p.output()).toContain(`Reload of ${file} failed; still serving the last good deployment: BadRequestException: No integration defined for method (GET /gamma)`);
    const resources = await client(p.endpoint).send(new GetResourcesCommand({ restApiId: apiId }));
    expect(resources.items?.map((r) => r.path).sort()).toEqual(['/', '/alpha', '/beta']);

    writeFileSync(file, original.replace('{"name": "alpha"}', '{"name": "alpha", "version": 3}'));
    // the changes are printed in one write, after the Reloaded line
    await eventually(() => p.output().includes('Reloaded') && p.output().slice(p.output().indexOf('Reloaded')).includes('GET /alpha\n'), 'the reload report');
    const report = p.output().slice(p.output().indexOf('Reloaded')).split('\n');
    expect(report.slice(1, report.findIndex((line, i) => i > 0 && !line.startsWith('  ')))).toEqual(['  ~ GET /alpha']);
    expect(await get(p, apiId, 'dev', '/alpha')).toEqual({ status: 200, text: '{"name": "alpha", "version": 3}' });
  });
});

describe('archway start --import: an HTTP API document', () => {
  /** An HTTP API over a loopback backend (payloadFormatVersion is what makes it one). */
  const httpApi = (backend: string, paths: string[]) => [
    'openapi: 3.0.1',
    'info:',
    '  title: pets',
    '  version: "1.0"',
    'paths:',
    ...paths.flatMap((path) => [
      `  ${path}/{id}:`,
      '    get:',
      '      x-amazon-apigateway-integration:',
      '        type: http_proxy',
      '        httpMethod: GET',
      `        uri: ${backend}/animals${path}/{id}`,
      '        payloadFormatVersion: "1.0"',
    ]),
    '',
  ].join('\n');

  it('imports it as an HTTP API with an auto-deploying $default stage, and a reload replaces it under the same id', async () => {
    const backend = await startBackend();
    cleanups.push(() => void backend.close());
    const dir = tempDir();
    const file = join(dir, 'http-api.yaml');
    writeFileSync(file, httpApi(backend.url, ['/pets']));
    const p = await start(['--in-memory', '--import', file, '--watch']);
    const apiId = /as HTTP API ([a-z0-9_-]+)/.exec(p.output())?.[1] as string;
    expect(apiId).toMatch(/^[a-z0-9]{10}$/);
    expect(p.output()).toMatch(new RegExp(`Imported .*http-api\\.yaml as HTTP API ${apiId}, deployment [a-z0-9]{6} on stage \\$default: http://localhost:${p.port}/_aws/execute-api/${apiId}/\n`));
    const invoke = (path: string) => fetch(`${p.endpoint}/_aws/execute-api/${apiId}${path}`);
    const pet = await invoke('/pets/7');
    expect(pet.status).toBe(200);
    expect(await pet.json()).toMatchObject({ method: 'GET', path: '/animals/pets/7' });

    writeFileSync(file, httpApi(backend.url, ['/pets', '/owners']));
    await eventually(async () => (await invoke('/owners/3')).status === 200, 'the added route');
    await eventually(() => p.output().includes('+ GET /owners/{id}\n'), 'the reload report');
    expect(p.output()).toMatch(new RegExp(`Reloaded .*http-api\\.yaml as HTTP API ${apiId}, deployment [a-z0-9]{6} on stage \\$default: .*\n  \\+ GET /owners/\\{id\\}\n`));
    const v2 = new ApiGatewayV2Client({ endpoint: p.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
    cleanups.push(() => v2.destroy());
    expect((await v2.send(new GetApisCommand({}))).Items?.map((api) => api.ApiId)).toEqual([apiId]);
    expect((await v2.send(new GetStagesCommand({ ApiId: apiId }))).Items).toEqual([expect.objectContaining({ StageName: '$default', AutoDeploy: true })]);
    expect((await client(p.endpoint).send(new GetRestApisCommand({}))).items).toEqual([]);
  });

  it('replaces the same HTTP API on restart, keeping its deployment when nothing changed', async () => {
    const dir = tempDir();
    const file = join(dir, 'http-api.yaml');
    writeFileSync(file, httpApi('http://127.0.0.1:9', ['/pets']));
    const first = await start(['--data-dir', join(dir, 'data'), '--import', file]);
    const [, apiId, deploymentId] = /as HTTP API ([a-z0-9_-]+), deployment ([a-z0-9]+)/.exec(first.output()) ?? [];
    first.child.kill('SIGTERM');
    expect(await first.exited, first.output()).toBe(0);

    const second = await start(['--data-dir', join(dir, 'data'), '--import', file, '--stage', 'v1']);
    expect(second.output()).toContain(`as HTTP API ${apiId}, deployment ${deploymentId} kept on stage $default: `);
    expect(second.output()).toContain('  no changes\n');
    expect(second.output()).toContain('  --stage v1 is for REST APIs: an HTTP API is served by its auto-deploying $default stage\n');
  });
});

describe('archway import and archway export', () => {
  it('imports into a running Archway, exports the stage, and re-imports the export', async () => {
    const p = await start(['--in-memory']);
    const dir = tempDir();
    const file = join(dir, 'orders.json');
    copyFileSync(join(FIXTURES, 'swagger2.json'), file);

    const imported = await run(['import', file, '--stage', 'live', '--endpoint', p.endpoint, '--api-id', 'orders0001']);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/^Created API orders0001 \(Orders \(Swagger 2\.0\)\) from .*orders\.json; deployment [a-z0-9]{6} on stage live\n/);
    expect(imported.stdout).toContain(`Invoke URL: ${p.endpoint}/_aws/execute-api/orders0001/live/`);
    const orders = await fetch(`${p.endpoint}/_aws/execute-api/orders0001/live/orders`, { headers: { 'X-Customer': 'c1' } });
    expect(orders.status).toBe(200);

    const again = await run(['import', file, '--stage', 'live', '--endpoint', p.endpoint, '--api-id', 'orders0001']);
    expect(again.stdout).toMatch(/^Updated API orders0001 /);

    const exported = await run(['export', 'orders0001', '--stage', 'live', '--endpoint', p.endpoint, '--format', 'swagger', '--yaml']);
    expect(exported.code).toBe(0);
    expect(exported.stdout.startsWith('swagger: "2.0"\n')).toBe(true);
    expect(exported.stdout).toContain('x-amazon-apigateway-integration:');
    const copy = join(dir, 'export.yaml');
    writeFileSync(copy, exported.stdout);
    const reimported = await run(['import', copy, '--stage', 'copy', '--endpoint', p.endpoint, '--api-id', 'orders0002']);
    expect(reimported.code).toBe(0);
    const copied = await fetch(`${p.endpoint}/_aws/execute-api/orders0002/copy/orders`, { headers: { 'X-Customer': 'c1' } });
    expect(await copied.text()).toBe(await (await fetch(`${p.endpoint}/_aws/execute-api/orders0001/live/orders`, { headers: { 'X-Customer': 'c1' } })).text());

    const output = join(dir, 'out.json');
    expect((await run(['export', 'orders0001', '--stage', 'live', '--endpoint', p.endpoint, '--extensions', 'none', '--output', output])).code).toBe(0);
    const plain = JSON.parse(readFileSync(output, 'utf8')) as { openapi: string; paths: Record<string, Record<string, object>> };
    expect(plain.openapi).toBe('3.0.1');
    expect(plain.paths['/orders'].get).not.toHaveProperty('x-amazon-apigateway-integration');
  });

  it('reports a refused document and leaves no API behind', async () => {
    const p = await start(['--in-memory']);
    const result = await run(['import', join(FIXTURES, 'broken/invalid-integrations.yaml'), '--endpoint', p.endpoint]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("archway import: BadRequestException: Errors found during import:\n\tUnable to put integration on 'GET' for resource at path '/'");
    const apis = await client(p.endpoint).send(new GetRestApisCommand({}));
    expect(apis.items).toEqual([]);
  });

  it('reports wrong credentials and an unreachable endpoint', async () => {
    const p = await start(['--in-memory']);
    const denied = await run(['export', 'whatever', '--endpoint', p.endpoint, '--admin-credentials', 'test:wrong']);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('archway export: InvalidSignatureException: The request signature we calculated does not match');
    const unreachable = await run(['export', 'whatever', '--endpoint', 'http://127.0.0.1:1']);
    expect(unreachable.stderr).toContain('archway export: ConnectionError: cannot reach Archway at http://127.0.0.1:1');
  });
});
