// `npm run bench`: rps, p50/p99 and CPU per request for the backend direct, a bare undici
// proxy (`pool.stream`), Archway's HTTP_PROXY route (at log level warn and at info, one line per
// request), its MOCK route (bare, behind an API key, behind a cached Lambda authorizer, behind a
// Cognito authorizer with a token signed by Archway's own issuer, and as an AWS_IAM method called
// with a SigV4 presigned URL), its Lambda proxy route, the HTTP API (apigatewayv2) twins of the
// HTTP_PROXY and Lambda routes, and serverless-offline serving the same Lambda handler (default
// worker mode and --useInProcess; `npm install --prefix bench` installs it), in one run; then
// each target with met / not met, and an RSS soak of the Lambda routes. The server
// under test is pinned to core 1; the load generator (wrk, or autocannon when wrk is absent) and
// the backend share core 0. See bench/README.md for the knobs and the recorded figures.
import { spawn, execFileSync } from 'node:child_process';
import { setInterval, clearInterval } from 'node:timers';
import { readFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { once } from 'node:events';
import { fileURLToPath, URLSearchParams } from 'node:url';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import {
  APIGatewayClient, CreateAuthorizerCommand, CreateRestApiCommand, CreateResourceCommand, PutMethodCommand, PutIntegrationCommand,
  PutMethodResponseCommand, PutIntegrationResponseCommand, CreateDeploymentCommand, UpdateStageCommand, CreateApiKeyCommand,
  CreateUsagePlanCommand, CreateUsagePlanKeyCommand,
} from '@aws-sdk/client-api-gateway';
import { LambdaClient, CreateFunctionCommand } from '@aws-sdk/client-lambda';
import { IAMClient, CreateUserCommand, CreateAccessKeyCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { ApiGatewayV2Client, CreateApiCommand, CreateIntegrationCommand, CreateRouteCommand, CreateStageCommand } from '@aws-sdk/client-apigatewayv2';
import { SignatureV4 } from '@smithy/signature-v4';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const LOAD_CORE = process.env.BENCH_LOAD_CORE ?? '0';
const SERVER_CORE = process.env.BENCH_SERVER_CORE ?? '1';
const SOAK_S = Number(process.env.BENCH_SOAK ?? 120);
const SERVERLESS = process.env.BENCH_SERVERLESS !== '0';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ACCURACY_S = Number(process.env.BENCH_ACCURACY ?? 10);
const PAIRS = Number(process.env.BENCH_PAIRS ?? 3);
const PAIR_S = Number(process.env.BENCH_PAIR_DURATION ?? 5);
const CLK_TCK = 100;
const PAGE_BYTES = 4096;
const hasWrk = (() => { try { execFileSync('wrk', ['--version'], { stdio: 'ignore' }); return true; } catch (e) { return e.status === 1; } })();
const hasTaskset = (() => { try { execFileSync('taskset', ['-c', '0', 'true']); return true; } catch { return false; } })();

const children = [];
process.on('exit', () => { for (const child of children) child.kill('SIGKILL'); });

function pinned(core, command, args, env = {}) {
  const [cmd, argv] = hasTaskset ? ['taskset', ['-c', core, command, ...args]] : [command, args];
  const child = spawn(cmd, argv, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return child;
}

/** Waits for `pattern` on the child's stdout; everything it prints after that is read and dropped. */
function readLine(child, pattern) {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk) => {
      buffered += chunk;
      const m = buffered.match(pattern);
      if (!m) return;
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      child.stdout.resume();
      resolve(m);
    };
    const onExit = () => reject(new Error(`process exited before printing ${pattern}:\n${buffered}`));
    child.stdout.on('data', onData);
    child.once('exit', onExit);
  });
}

async function startPinned(core, script, env) {
  const child = pinned(core, process.execPath, [script], env);
  const [, port] = await readLine(child, /PORT=(\d+)/);
  return { child, port: Number(port) };
}

/** Whether a Redis answers PING at `url`. */
async function redisAnswers(url) {
  const { hostname, port } = new URL(url);
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const socket = connect(Number(port || 6379), hostname);
    socket.setTimeout(1000, () => socket.destroy());
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      resolve(data.toString().startsWith('+PONG'));
      socket.destroy();
    });
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
  });
}

function cpuTicks(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

const headerArgs = (headers) => Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);

async function load(url, headers = {}, seconds = DURATION_S) {
  if (hasWrk) {
    const wrk = pinned(LOAD_CORE, 'wrk', ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', ...headerArgs(headers), url]);
    let out = '';
    wrk.stdout.on('data', (d) => (out += d));
    await once(wrk, 'exit');
    const rps = Number(out.match(/Requests\/sec:\s+([\d.]+)/)[1]);
    const requests = Number(out.match(/(\d+) requests in/)[1]);
    const non2xx = Number(out.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0);
    return { rps, requests, p50: latency(out, '50%'), p99: latency(out, '99%'), errors: non2xx };
  }
  const { default: autocannon } = await import('autocannon');
  const result = await autocannon({ url, headers, connections: CONNECTIONS, duration: seconds });
  return { rps: result.requests.average, requests: result.requests.total, p50: result.latency.p50, p99: result.latency.p99, errors: result.non2xx + result.errors };
}

function latency(out, percentile) {
  const m = out.match(new RegExp(`${percentile}\\s+([\\d.]+)(us|ms|s)`));
  const scale = { us: 0.001, ms: 1, s: 1000 }[m[2]];
  return Number(m[1]) * scale;
}

/** One measured pass: the load's figures and the server's CPU per request over it. */
async function pass(pid, url, headers, seconds = DURATION_S) {
  const before = cpuTicks(pid);
  const result = await load(url, headers, seconds);
  const cpuMs = ((cpuTicks(pid) - before) / CLK_TCK) * 1000;
  return { ...result, cpuUsPerRequest: (cpuMs * 1000) / result.requests };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Every target gets a warm-up pass (JIT, keep-alive pools), then ROUNDS rounds each measure
 * every target once, in turn: a shared machine's speed drifts over minutes, so targets measured
 * back to back in the same round see the same machine. Each row is the median of its passes;
 * `passes` keeps them for the per-round ratios.
 */
async function measureAll(targets) {
  for (const t of targets) await load(t.url, t.headers);
  const passes = targets.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, t] of targets.entries()) passes[i].push(await pass(t.pid, t.url, t.headers));
  }
  return targets.map((t, i) => {
    const runs = passes[i];
    const of = (key) => median(runs.map((r) => r[key]));
    return { name: t.name, target: t, rps: of('rps'), p50: of('p50'), p99: of('p99'), cpuUsPerRequest: of('cpuUsPerRequest'), errors: runs.reduce((sum, r) => sum + r.errors, 0), passes: runs };
  });
}

function rssMb(pid) {
  return (Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE_BYTES) / (1024 * 1024);
}

/** Load for `seconds` while sampling the server's RSS every 10 s: is memory flat? */
async function soak(name, pid, url, seconds) {
  const samples = [rssMb(pid)];
  const timer = setInterval(() => samples.push(rssMb(pid)), 10_000);
  const result = await loadFor(url, seconds);
  clearInterval(timer);
  samples.push(rssMb(pid));
  return { name, rps: result.rps, errors: result.errors, startMb: samples[0], endMb: samples.at(-1), maxMb: Math.max(...samples), samples };
}

async function loadFor(url, seconds) {
  if (hasWrk) {
    const wrk = pinned(LOAD_CORE, 'wrk', ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', url]);
    let out = '';
    wrk.stdout.on('data', (d) => (out += d));
    await once(wrk, 'exit');
    return { rps: Number(out.match(/Requests\/sec:\s+([\d.]+)/)[1]), errors: Number(out.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0) };
  }
  const { default: autocannon } = await import('autocannon');
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds });
  return { rps: result.requests.average, errors: result.non2xx + result.errors };
}

/** The hello-world handler as a Lambda function behind `GET /lambda` (AWS_PROXY); its ARN. */
async function setUpArchwayLambda(endpoint, apiId, rootId) {
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  const { createZip } = await import('../dist/functions/zip.js');
  const lambda = new LambdaClient({ endpoint, region: 'us-east-1', credentials });
  const fn = await lambda.send(new CreateFunctionCommand({
    FunctionName: 'bench-hello', Runtime: 'nodejs20.x', Role: 'arn:aws:iam::000000000000:role/bench', Handler: 'handler.hello',
    Code: { ZipFile: createZip({ 'handler.js': readFileSync(join(here, 'lambda/handler.js')) }) },
  }));
  lambda.destroy();
  const client = new APIGatewayClient({ endpoint, region: 'us-east-1', credentials });
  const resource = await client.send(new CreateResourceCommand({ restApiId: apiId, parentId: rootId, pathPart: 'lambda' }));
  await client.send(new PutMethodCommand({ restApiId: apiId, resourceId: resource.id, httpMethod: 'GET', authorizationType: 'NONE' }));
  await client.send(new PutIntegrationCommand({
    restApiId: apiId, resourceId: resource.id, httpMethod: 'GET', type: 'AWS_PROXY', integrationHttpMethod: 'POST',
    uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fn.FunctionArn}/invocations`,
  }));
  await client.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'bench' }));
  client.destroy();
  return fn.FunctionArn;
}

/**
 * The HTTP API twins of the REST HTTP_PROXY and Lambda routes, each an API of its own served on its
 * auto-deploying `$default` stage: `ANY /{proxy+}` → `http://backend/{proxy}` (HTTP_PROXY, method
 * ANY), and a quick-created `GET /lambda` → the hello-world function (payload 2.0, quick create's
 * default). No route settings: the routes are held to the account limit, which the bench raises.
 */
async function setUpArchwayHttpApis(endpoint, backendPort, functionArn) {
  const client = new ApiGatewayV2Client({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const proxyApi = await client.send(new CreateApiCommand({ Name: 'bench-http-proxy', ProtocolType: 'HTTP' }));
  const integration = await client.send(new CreateIntegrationCommand({
    ApiId: proxyApi.ApiId, IntegrationType: 'HTTP_PROXY', IntegrationMethod: 'ANY', IntegrationUri: `http://127.0.0.1:${backendPort}/{proxy}`, PayloadFormatVersion: '1.0',
  }));
  await client.send(new CreateRouteCommand({ ApiId: proxyApi.ApiId, RouteKey: 'ANY /{proxy+}', Target: `integrations/${integration.IntegrationId}` }));
  await client.send(new CreateStageCommand({ ApiId: proxyApi.ApiId, StageName: '$default', AutoDeploy: true }));
  const lambdaApi = await client.send(new CreateApiCommand({ Name: 'bench-http-lambda', ProtocolType: 'HTTP', Target: functionArn, RouteKey: 'GET /lambda' }));
  client.destroy();
  const urls = { proxy: `${endpoint}/_aws/execute-api/${proxyApi.ApiId}/items/1`, lambda: `${endpoint}/_aws/execute-api/${lambdaApi.ApiId}/lambda` };
  for (const url of Object.values(urls)) await servedAt(url);
  return urls;
}

/** Auto-deploy compiles a deployment asynchronously: polls `url` until it stops answering 404. */
async function servedAt(url) {
  const { request } = await import('undici');
  for (let attempt = 0; attempt < 100; attempt++) {
    const response = await request(url);
    await response.body.dump();
    if (response.statusCode !== 404) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} still answers 404 after 10 s`);
}

/** `GET /{pathPart}`: the MOCK route's twin with the method's own authorization, deployed to the bench stage. */
async function deployMockRoute(client, apiId, rootId, pathPart, authorization) {
  const resource = await client.send(new CreateResourceCommand({ restApiId: apiId, parentId: rootId, pathPart }));
  const method = { restApiId: apiId, resourceId: resource.id, httpMethod: 'GET' };
  await client.send(new PutMethodCommand({ ...method, ...authorization }));
  await client.send(new PutIntegrationCommand({ ...method, type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
  await client.send(new PutMethodResponseCommand({ ...method, statusCode: '200' }));
  await client.send(new PutIntegrationResponseCommand({ ...method, statusCode: '200', responseTemplates: { 'application/json': '{"ok": true, "service": "mock"}' } }));
  await client.send(new CreateDeploymentCommand({ restApiId: apiId, stageName: 'bench' }));
}

/**
 * GET /authorized: the MOCK route behind a TOKEN Lambda authorizer with the default 300 s cache, so
 * every measured request is a cached decision (the policy evaluated against the method ARN).
 */
async function setUpArchwayAuthorizer(endpoint, apiId, rootId) {
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  const { createZip } = await import('../dist/functions/zip.js');
  const lambda = new LambdaClient({ endpoint, region: 'us-east-1', credentials });
  const source = `export const handler = async (event) => ({ principalId: 'bench', policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }] } });`;
  const fn = await lambda.send(new CreateFunctionCommand({
    FunctionName: 'bench-authorizer', Runtime: 'nodejs20.x', Role: 'arn:aws:iam::000000000000:role/bench', Handler: 'index.handler',
    Code: { ZipFile: createZip({ 'index.mjs': source }) },
  }));
  lambda.destroy();
  const client = new APIGatewayClient({ endpoint, region: 'us-east-1', credentials });
  const authorizer = await client.send(new CreateAuthorizerCommand({
    restApiId: apiId, name: 'bench', type: 'TOKEN', identitySource: 'method.request.header.Authorization',
    authorizerUri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fn.FunctionArn}/invocations`,
  }));
  await deployMockRoute(client, apiId, rootId, 'authorized', { authorizationType: 'CUSTOM', authorizerId: authorizer.id });
  client.destroy();
}

/** The user pool of the JWT route, mapped to Archway's own issuer. */
const BENCH_POOL = 'us-east-1_Bench0001';

/** `GET /jwt`: the MOCK route's twin behind a COGNITO_USER_POOLS authorizer of BENCH_POOL. */
async function setUpArchwayJwt(endpoint, apiId, rootId) {
  const client = new APIGatewayClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const authorizer = await client.send(new CreateAuthorizerCommand({
    restApiId: apiId, name: 'bench-pool', type: 'COGNITO_USER_POOLS', providerARNs: [`arn:aws:cognito-idp:us-east-1:000000000000:userpool/${BENCH_POOL}`],
    identitySource: 'method.request.header.Authorization',
  }));
  await deployMockRoute(client, apiId, rootId, 'jwt', { authorizationType: 'COGNITO_USER_POOLS', authorizerId: authorizer.id });
  client.destroy();
}

/** An ID token for the JWT route, minted once by `archway token` from the data directory's key. */
function benchToken(dataDir) {
  return execFileSync(process.execPath, ['dist/cli/archway.js', 'token', '--user-pool', BENCH_POOL, '--username', 'bench', '--data-dir', dataDir], { cwd: root }).toString().trim();
}

const slsBin = join(here, 'node_modules/serverless/bin/serverless.js');
const hasServerlessOffline = existsSync(slsBin) && existsSync(join(here, 'node_modules/serverless-offline'));

/** serverless-offline serving bench/lambda on `port`; `inProcess` gives up isolation (--useInProcess). */
async function startServerlessOffline(port, inProcess) {
  const args = [slsBin, 'offline', 'start', '--httpPort', String(port), '--lambdaPort', String(port + 1), '--noPrependStageInUrl', ...(inProcess ? ['--useInProcess'] : [])];
  const child = spawn(hasTaskset ? 'taskset' : process.execPath, hasTaskset ? ['-c', SERVER_CORE, process.execPath, ...args] : args, {
    cwd: join(here, 'lambda'),
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', SLS_DEPRECATION_DISABLE: '*', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  // It announces itself on stderr ("Server ready: http://localhost:PORT").
  let log = '';
  const ready = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 60_000);
    const onData = (d) => {
      log += d;
      if (!log.includes('Server ready:')) return;
      clearTimeout(timer);
      // From now on its per-request lines are read and dropped.
      for (const stream of [child.stdout, child.stderr]) {
        stream.off('data', onData);
        stream.resume();
      }
      resolve(true);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', () => resolve(false));
  });
  if (!ready) throw new Error(`serverless-offline did not start:\n${log.slice(-2000)}`);
  return child;
}

async function setUpArchwayApi(endpoint, backendPort) {
  const client = new APIGatewayClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const api = await client.send(new CreateRestApiCommand({ name: 'bench', tags: { _custom_id_: 'benchapi01' } }));
  const proxy = await client.send(new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart: '{proxy+}' }));
  await client.send(new PutMethodCommand({ restApiId: api.id, resourceId: proxy.id, httpMethod: 'ANY', authorizationType: 'NONE', requestParameters: { 'method.request.path.proxy': true } }));
  await client.send(new PutIntegrationCommand({
    restApiId: api.id, resourceId: proxy.id, httpMethod: 'ANY', type: 'HTTP_PROXY', integrationHttpMethod: 'ANY',
    uri: `http://127.0.0.1:${backendPort}/{proxy}`, requestParameters: { 'integration.request.path.proxy': 'method.request.path.proxy' },
  }));
  // GET /mock, GET /keyed: the same MOCK with an API key required (a usage plan with a throttle and
  // a quota), and GET /signed: the same MOCK as an AWS_IAM method.
  for (const [pathPart, apiKeyRequired, authorizationType] of [['mock', false, 'NONE'], ['keyed', true, 'NONE'], ['signed', false, 'AWS_IAM']]) {
    const resource = await client.send(new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart }));
    const method = { restApiId: api.id, resourceId: resource.id, httpMethod: 'GET' };
    await client.send(new PutMethodCommand({ ...method, authorizationType, apiKeyRequired }));
    await client.send(new PutIntegrationCommand({ ...method, type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
    await client.send(new PutMethodResponseCommand({ ...method, statusCode: '200' }));
    await client.send(new PutIntegrationResponseCommand({ ...method, statusCode: '200', responseTemplates: { 'application/json': '{"ok": true, "service": "mock"}' } }));
  }
  await client.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'bench' }));
  await client.send(new UpdateStageCommand({
    restApiId: api.id, stageName: 'bench', patchOperations: [
      { op: 'replace', path: '/*/*/throttling/rateLimit', value: String(UNTHROTTLED) }, { op: 'replace', path: '/*/*/throttling/burstLimit', value: String(UNTHROTTLED) },
    ],
  }));
  // Ids unique to this run: a shared Redis keeps counters between runs.
  const run = randomUUID().slice(0, 8);
  const key = await client.send(new CreateApiKeyCommand({ name: 'bench', enabled: true, tags: { _custom_id_: `benchkey-${run}` } }));
  const plan = await client.send(new CreateUsagePlanCommand({
    name: 'bench', apiStages: [{ apiId: api.id, stage: 'bench' }], throttle: { rateLimit: UNTHROTTLED, burstLimit: UNTHROTTLED },
    quota: { limit: 1_000_000_000, period: 'DAY' }, tags: { _custom_id_: `benchplan-${run}` },
  }));
  await client.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id, keyType: 'API_KEY' }));
  client.destroy();
  return { apiId: api.id, rootId: api.rootResourceId, apiKey: key.value };
}

/**
 * An IAM user allowed to invoke the API, and a URL presigned with its key for the whole run
 * (X-Amz-Expires: an hour; the header form would leave the 5-minute skew during the run).
 */
async function presignedIamUrl(endpoint, apiId, url) {
  const iam = new IAMClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  await iam.send(new CreateUserCommand({ UserName: 'bench' }));
  const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: `arn:aws:execute-api:*:*:${apiId}/bench/GET/*` }] };
  await iam.send(new PutUserPolicyCommand({ UserName: 'bench', PolicyName: 'invoke', PolicyDocument: JSON.stringify(policy) }));
  const { AccessKey: key } = await iam.send(new CreateAccessKeyCommand({ UserName: 'bench' }));
  iam.destroy();
  const { NodeSha256 } = await import('../dist/aws/sigv4.js');
  const signer = new SignatureV4({ credentials: { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey }, region: 'us-east-1', service: 'execute-api', sha256: NodeSha256 });
  const target = new URL(url);
  const signed = await signer.presign(
    { method: 'GET', protocol: 'http:', hostname: target.hostname, port: Number(target.port), path: target.pathname, query: {}, headers: { host: target.host } },
    { expiresIn: 3600 },
  );
  return `${target.origin}${target.pathname}?${new URLSearchParams(signed.query).toString()}`;
}

/** AWS's account and stage throttles (10 000 rps) would cap the routes measured here: raised far above. */
const UNTHROTTLED = 100_000_000;

/** An Archway under test: in memory, or with `dataDir` (where `archway token` finds the local issuer's key). */
async function startArchway(logLevel, extraArgs = [], dataDir = undefined) {
  const child = pinned(SERVER_CORE, process.execPath, [
    'dist/cli/archway.js', 'start', '--port', '0', ...(dataDir === undefined ? ['--in-memory'] : ['--data-dir', dataDir]), '--log-level', logLevel,
    '--account-rate-limit', String(UNTHROTTLED), '--account-burst-limit', String(UNTHROTTLED), ...extraArgs,
  ]);
  const [, port] = await readLine(child, /listening on http:\/\/[^:]+:(\d+)/);
  return { child, endpoint: `http://127.0.0.1:${port}` };
}

/**
 * GETs `url` at a steady `rps` for `seconds` (each request sent when it is due, without waiting for
 * answers; wrk and autocannon send in bursts, which a token bucket rightly caps at its burst).
 */
async function paced(url, headers, rps, seconds) {
  const { Pool } = await import('undici');
  const { origin, pathname } = new URL(url);
  const pool = new Pool(origin, { connections: 32 });
  const total = Math.round(rps * seconds);
  const answers = [];
  let admitted = 0;
  let refused = 0;
  const started = performance.now();
  await new Promise((resolve) => {
    let sent = 0;
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - started) * rps) / 1000));
      for (; sent < due; sent++) {
        answers.push(pool.request({ path: pathname, method: 'GET', headers }).then(async (response) => {
          await response.body.dump();
          if (response.statusCode === 200) admitted++;
          else if (response.statusCode === 429) refused++;
        }));
      }
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  const elapsed = (performance.now() - started) / 1000;
  await Promise.all(answers);
  await pool.close();
  return { admitted, refused, seconds: elapsed };
}

/**
 * The usage-plan accuracy run: a key on a plan of 200 rps with burst 50, driven at 1 000 rps in all
 * for ACCURACY_S seconds (`paced`, split across `nodes`). The token bucket allows
 * 50 + 200 per second; the run reports what was admitted against that.
 */
async function accuracy(name, nodes) {
  const run = randomUUID().slice(0, 8);
  const value = `accuracy-${run}-0123456789abcdef`;
  for (const node of nodes) {
    const client = new APIGatewayClient({ endpoint: node.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const key = await client.send(new CreateApiKeyCommand({ name: 'accuracy', enabled: true, value, tags: { _custom_id_: `acckey-${run}` } }));
    const plan = await client.send(new CreateUsagePlanCommand({
      name: 'accuracy', apiStages: [{ apiId: node.apiId, stage: 'bench' }], throttle: { rateLimit: 200, burstLimit: 50 }, tags: { _custom_id_: `accplan-${run}` },
    }));
    await client.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id, keyType: 'API_KEY' }));
    client.destroy();
  }
  await new Promise((resolve) => setTimeout(resolve, 200)); // the data planes follow the change feed
  const runs = await Promise.all(nodes.map((node) => paced(`${node.endpoint}/_aws/execute-api/${node.apiId}/bench/keyed`, { 'x-api-key': value }, 1000 / nodes.length, ACCURACY_S)));
  const seconds = Math.max(...runs.map((r) => r.seconds));
  const admitted = runs.reduce((sum, r) => sum + r.admitted, 0);
  const refused = runs.reduce((sum, r) => sum + r.refused, 0);
  const allowed = 50 + 200 * seconds;
  return { name, admitted, refused, allowed, off: (admitted - allowed) / allowed };
}

/**
 * A ratio target's route and its reference measured back to back, PAIRS times, the order
 * alternating (reference first, then the route first): the machine's speed drifts ±25 % over
 * minutes, so passes a round apart can compare two different machines, adjacent ones hardly.
 * The median of the pairs' ratios; each pair's is printed.
 */
async function pairedRatio(route, reference) {
  const ratios = [];
  let errors = 0;
  for (let i = 0; i < PAIRS; i++) {
    const measure = (row) => pass(row.target.pid, row.target.url, row.target.headers, PAIR_S);
    let ofReference;
    let ofRoute;
    if (i % 2 === 0) {
      ofReference = await measure(reference);
      ofRoute = await measure(route);
    } else {
      ofRoute = await measure(route);
      ofReference = await measure(reference);
    }
    ratios.push(ofRoute.rps / ofReference.rps);
    errors += ofRoute.errors + ofReference.errors;
  }
  // A refused request (a 403, a 429) is cheap: a pass with errors overstates its rps.
  console.log(`  ${route.name} / ${reference.name}: ${ratios.map((r) => r.toFixed(2)).join(' / ')}${errors > 0 ? ` (${errors} non-2xx answers: not a valid figure)` : ''}`);
  return median(ratios);
}

/** Each issue target with its figure and whether this run met it. */
async function targets(rows) {
  const row = (name) => rows.find((r) => r.name === name);
  const bare = row('bare undici proxy (pool.stream)');
  const proxy = row('Archway HTTP_PROXY /{proxy+}');
  const proxyInfo = row('Archway HTTP_PROXY /{proxy+}, log level info');
  const mock = row('Archway MOCK');
  const lambda = row('Archway Lambda proxy (worker thread)');
  const httpApiProxy = row('Archway HTTP API HTTP_PROXY');
  const httpApiLambda = row('Archway HTTP API Lambda (payload 2.0)');
  const keyedMemory = row('Archway MOCK, API key + usage plan (memory)');
  const keyedRedis = row('Archway MOCK, API key + usage plan (Redis)');
  const authorized = row('Archway MOCK, cached Lambda authorizer');
  const jwt = row('Archway MOCK, Cognito JWT (local issuer)');
  const signed = row('Archway MOCK, AWS_IAM (SigV4 presigned)');
  console.log(`\nratios, ${PAIRS} back-to-back pairs of ${PAIR_S} s passes each (route / reference):`);
  const ratios = new Map();
  for (const [a, b] of [[proxy, bare], [mock, bare], [proxyInfo, proxy], [keyedMemory, mock], [authorized, mock], [jwt, mock], [signed, mock], [httpApiProxy, proxy], [httpApiLambda, lambda], ...(keyedRedis ? [[keyedRedis, mock]] : [])]) {
    ratios.set(a, await pairedRatio(a, b));
  }
  const ratio = (a) => ratios.get(a);
  const list = [
    [`HTTP_PROXY ≥ 0.85× the bare proxy's rps`, `${ratio(proxy).toFixed(2)}×`, ratio(proxy) >= 0.85],
    ['HTTP_PROXY ≤ 43 µs CPU per request', `${proxy.cpuUsPerRequest.toFixed(1)} µs`, proxy.cpuUsPerRequest <= 43],
    [`MOCK ≥ 2× the bare proxy's rps`, `${ratio(mock).toFixed(2)}×`, ratio(mock) >= 2],
    ...[proxy, proxyInfo, mock, lambda, httpApiProxy, httpApiLambda].map((r) => [`${r.name}: p99 ≤ 3× p50`, `${(r.p99 / r.p50).toFixed(2)}×`, r.p99 <= 3 * r.p50]),
    ['HTTP_PROXY at log level info loses ≤ 10 % against warn', `${((1 - ratio(proxyInfo)) * 100).toFixed(1)} % (${proxyInfo.cpuUsPerRequest.toFixed(1)} vs ${proxy.cpuUsPerRequest.toFixed(1)} µs/req)`, ratio(proxyInfo) >= 0.9],
    ['Lambda p50 − MOCK p50 < 1 ms', `${(lambda.p50 - mock.p50).toFixed(2)} ms`, lambda.p50 - mock.p50 < 1],
    ['API key + usage plan (memory) ≥ 0.9× MOCK', `${ratio(keyedMemory).toFixed(2)}×`, ratio(keyedMemory) >= 0.9],
    ['cached Lambda authorizer ≥ 0.85× MOCK', `${ratio(authorized).toFixed(2)}×`, ratio(authorized) >= 0.85],
    ['Cognito JWT (a token verified once) ≥ 0.85× MOCK', `${ratio(jwt).toFixed(2)}×`, ratio(jwt) >= 0.85],
    ['AWS_IAM (SigV4) ≥ 0.7× MOCK', `${ratio(signed).toFixed(2)}×`, ratio(signed) >= 0.7],
    ['HTTP API HTTP_PROXY ≥ 1.0× the REST HTTP_PROXY route', `${ratio(httpApiProxy).toFixed(2)}×`, ratio(httpApiProxy) >= 1],
    ['HTTP API Lambda (payload 2.0) ≥ 1.0× the REST Lambda proxy route', `${ratio(httpApiLambda).toFixed(2)}×`, ratio(httpApiLambda) >= 1],
  ];
  if (keyedRedis) list.push(['API key + usage plan (Redis) ≥ 0.6× MOCK', `${ratio(keyedRedis).toFixed(2)}×`, ratio(keyedRedis) >= 0.6]);
  return list;
}

async function main() {
  if (!existsSync(join(root, 'dist/cli/archway.js'))) throw new Error('run `npm run build` first');
  console.log(`load: ${hasWrk ? 'wrk' : 'autocannon'}, ${CONNECTIONS} connections, ${DURATION_S}s per pass, a warm-up pass then ${ROUNDS} rounds over all targets, medians; server on core ${SERVER_CORE}, load + backend on core ${LOAD_CORE}${hasTaskset ? '' : ' (taskset missing: not pinned)'}`);
  const backend = await startPinned(LOAD_CORE, join(here, 'backend.mjs'));
  const bare = await startPinned(SERVER_CORE, join(here, 'bare-proxy.mjs'), { UPSTREAM: `http://127.0.0.1:${backend.port}` });
  // Two Archways, idle but for the one under load: `warn` logs nothing per request, `info`
  // (the default) writes the one-line-per-request log to its stdout (a pipe this runner drains).
  // The main one keeps its data (and the local issuer's key) in a temporary directory: the JWT row's token is signed with it.
  const dataDir = mkdtempSync(join(tmpdir(), 'archway-bench-'));
  process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
  const archway = await startArchway('warn', ['--user-pool', `${BENCH_POOL}=local`], dataDir);
  const archwayInfo = await startArchway('info');
  const { apiId, rootId, apiKey } = await setUpArchwayApi(archway.endpoint, backend.port);
  const functionArn = await setUpArchwayLambda(archway.endpoint, apiId, rootId);
  const httpApi = await setUpArchwayHttpApis(archway.endpoint, backend.port, functionArn);
  await setUpArchwayAuthorizer(archway.endpoint, apiId, rootId);
  await setUpArchwayJwt(archway.endpoint, apiId, rootId);
  const token = benchToken(dataDir);
  const infoApi = await setUpArchwayApi(archwayInfo.endpoint, backend.port);
  // A third, metering through Redis (BENCH_REDIS_URL, default the local one), when it answers.
  const archwayRedis = (await redisAnswers(REDIS_URL)) ? await startArchway('warn', ['--redis', REDIS_URL]) : undefined;
  const redisApi = archwayRedis === undefined ? undefined : await setUpArchwayApi(archwayRedis.endpoint, backend.port);
  if (archwayRedis === undefined) console.log(`Redis at ${REDIS_URL} does not answer: the Redis metering row is skipped`);
  const stageUrl = (endpoint, id) => `${endpoint}/_aws/execute-api/${id}/bench`;
  const lambdaUrl = `${stageUrl(archway.endpoint, apiId)}/lambda`;
  const signedUrl = await presignedIamUrl(archway.endpoint, apiId, `${stageUrl(archway.endpoint, apiId)}/signed`);

  const rows = await measureAll([
    { name: 'backend direct', pid: backend.child.pid, url: `http://127.0.0.1:${backend.port}/items/1` },
    { name: 'bare undici proxy (pool.stream)', pid: bare.child.pid, url: `http://127.0.0.1:${bare.port}/items/1` },
    { name: 'Archway HTTP_PROXY /{proxy+}', pid: archway.child.pid, url: `${stageUrl(archway.endpoint, apiId)}/items/1` },
    { name: 'Archway HTTP API HTTP_PROXY', pid: archway.child.pid, url: httpApi.proxy },
    { name: 'Archway HTTP_PROXY /{proxy+}, log level info', pid: archwayInfo.child.pid, url: `${stageUrl(archwayInfo.endpoint, infoApi.apiId)}/items/1` },
    { name: 'Archway MOCK', pid: archway.child.pid, url: `${stageUrl(archway.endpoint, apiId)}/mock` },
    { name: 'Archway MOCK, API key + usage plan (memory)', pid: archway.child.pid, url: `${stageUrl(archway.endpoint, apiId)}/keyed`, headers: { 'x-api-key': apiKey } },
    { name: 'Archway MOCK, cached Lambda authorizer', pid: archway.child.pid, url: `${stageUrl(archway.endpoint, apiId)}/authorized`, headers: { authorization: 'bench-token' } },
    { name: 'Archway MOCK, Cognito JWT (local issuer)', pid: archway.child.pid, url: `${stageUrl(archway.endpoint, apiId)}/jwt`, headers: { authorization: token } },
    { name: 'Archway MOCK, AWS_IAM (SigV4 presigned)', pid: archway.child.pid, url: signedUrl },
    ...(archwayRedis === undefined ? [] : [{
      name: 'Archway MOCK, API key + usage plan (Redis)', pid: archwayRedis.child.pid, url: `${stageUrl(archwayRedis.endpoint, redisApi.apiId)}/keyed`, headers: { 'x-api-key': redisApi.apiKey },
    }]),
    { name: 'Archway Lambda proxy (worker thread)', pid: archway.child.pid, url: lambdaUrl },
    { name: 'Archway HTTP API Lambda (payload 2.0)', pid: archway.child.pid, url: httpApi.lambda },
  ]);
  // Measured while every process is up: the paired passes of the ratio targets.
  const issueTargets = await targets(rows);
  const accuracyRuns = [];
  if (ACCURACY_S > 0) {
    accuracyRuns.push(await accuracy('one process (memory)', [{ endpoint: archway.endpoint, apiId }]));
    if (archwayRedis !== undefined) {
      const second = await startArchway('warn', ['--redis', REDIS_URL]);
      const secondApi = await setUpArchwayApi(second.endpoint, backend.port);
      accuracyRuns.push(await accuracy('two processes sharing Redis', [{ endpoint: archwayRedis.endpoint, apiId: redisApi.apiId }, { endpoint: second.endpoint, apiId: secondApi.apiId }]));
      second.child.kill();
    }
  }
  archwayRedis?.child.kill();
  bare.child.kill();
  backend.child.kill();
  archwayInfo.child.kill();

  const offline = [];
  if (!SERVERLESS) {
    console.log('BENCH_SERVERLESS=0: serverless-offline rows skipped');
  } else if (hasServerlessOffline) {
    for (const [name, inProcess, port] of [['serverless-offline (worker threads)', false, 43100], ['serverless-offline --useInProcess', true, 43200]]) {
      const child = await startServerlessOffline(port, inProcess);
      rows.push(...(await measureAll([{ name, pid: child.pid, url: `http://127.0.0.1:${port}/hello` }])));
      offline.push({ name, child, url: `http://127.0.0.1:${port}/hello` });
    }
  } else {
    console.log('serverless-offline not installed (npm install --prefix bench): its rows are skipped');
  }

  const ceiling = rows[1].rps;
  console.log('\n| target | rps | p50 ms | p99 ms | CPU µs/req | vs bare proxy | errors |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.name} | ${Math.round(r.rps)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.cpuUsPerRequest.toFixed(1)} | ${Math.round((r.rps / ceiling) * 100)} % | ${r.errors} |`);
  }
  console.log('\nrps per round:');
  for (const r of rows) console.log(`  ${r.name}: ${r.passes.map((p) => Math.round(p.rps)).join(' / ')}`);
  if (accuracyRuns.length > 0) {
    console.log(`\nUsage-plan accuracy: a plan of 200 rps, burst 50, driven at 1000 rps for ${ACCURACY_S} s (the token bucket allows 50 + 200/s):\n`);
    console.log('| run | admitted | refused (429) | the bucket allows | off by |\n|---|---:|---:|---:|---:|');
    for (const r of accuracyRuns) console.log(`| ${r.name} | ${r.admitted} | ${r.refused} | ${Math.round(r.allowed)} | ${(r.off * 100).toFixed(1)} % |`);
  }
  const lambdaRow = rows.find((r) => r.name === 'Archway Lambda proxy (worker thread)');
  const inProcess = rows.find((r) => r.name === 'serverless-offline --useInProcess');
  if (inProcess) issueTargets.push(['Lambda ≥ 2.5× serverless-offline --useInProcess', `${(lambdaRow.rps / inProcess.rps).toFixed(2)}×`, lambdaRow.rps >= 2.5 * inProcess.rps]);
  console.log('\n| target | this run | |\n|---|---:|---|');
  const accuracyTargets = accuracyRuns.map((r) => [`usage-plan accuracy, ${r.name}: within ±5 %`, `${(r.off * 100).toFixed(1)} %`, Math.abs(r.off) <= 0.05]);
  for (const [what, figure, met] of [...issueTargets, ...accuracyTargets]) console.log(`| ${what} | ${figure} | ${met ? 'met' : '**not met**'} |`);

  if (SOAK_S > 0) {
    const soaks = [await soak('Archway Lambda proxy', archway.child.pid, lambdaUrl, SOAK_S)];
    const workerMode = offline.find((o) => !o.name.endsWith('--useInProcess'));
    for (const o of offline) if (o !== workerMode) o.child.kill();
    if (workerMode) soaks.push(await soak(workerMode.name, workerMode.child.pid, workerMode.url, SOAK_S));
    console.log(`\nRSS over a ${SOAK_S} s soak (sampled every 10 s):\n`);
    console.log('| target | rps | RSS start MB | RSS end MB | RSS max MB | errors |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const r of soaks) console.log(`| ${r.name} | ${Math.round(r.rps)} | ${r.startMb.toFixed(0)} | ${r.endMb.toFixed(0)} | ${r.maxMb.toFixed(0)} | ${r.errors} |`);
    for (const r of soaks) console.log(`${r.name} RSS every 10 s (MB): ${r.samples.map((mb) => mb.toFixed(0)).join(' ')}`);
  }
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
