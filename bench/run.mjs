// `npm run bench`: rps, p50/p99 and CPU per request for the backend direct, a bare undici
// proxy, and Archway's HTTP_PROXY and MOCK routes, in one run. The server under test is
// pinned to core 1; the load generator (wrk, or autocannon when wrk is absent) and the
// backend share core 0. See bench/README.md for the recorded figures.
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import {
  APIGatewayClient, CreateRestApiCommand, CreateResourceCommand, PutMethodCommand, PutIntegrationCommand,
  PutMethodResponseCommand, PutIntegrationResponseCommand, CreateDeploymentCommand,
} from '@aws-sdk/client-api-gateway';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const LOAD_CORE = process.env.BENCH_LOAD_CORE ?? '0';
const SERVER_CORE = process.env.BENCH_SERVER_CORE ?? '1';
const CLK_TCK = 100;
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

async function readLine(child, pattern) {
  let buffered = '';
  for await (const chunk of child.stdout) {
    buffered += chunk;
    const m = buffered.match(pattern);
    if (m) {
      child.stdout.resume();
      return m;
    }
  }
  throw new Error(`process exited before printing ${pattern}`);
}

async function startPinned(core, script, env) {
  const child = pinned(core, process.execPath, [script], env);
  const [, port] = await readLine(child, /PORT=(\d+)/);
  return { child, port: Number(port) };
}

function cpuTicks(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

async function load(url) {
  if (hasWrk) {
    const wrk = pinned(LOAD_CORE, 'wrk', ['-t1', `-c${CONNECTIONS}`, `-d${DURATION_S}s`, '--latency', url]);
    let out = '';
    wrk.stdout.on('data', (d) => (out += d));
    await once(wrk, 'exit');
    const rps = Number(out.match(/Requests\/sec:\s+([\d.]+)/)[1]);
    const requests = Number(out.match(/(\d+) requests in/)[1]);
    const non2xx = Number(out.match(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0);
    return { rps, requests, p50: latency(out, '50%'), p99: latency(out, '99%'), errors: non2xx };
  }
  const { default: autocannon } = await import('autocannon');
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S });
  return { rps: result.requests.average, requests: result.requests.total, p50: result.latency.p50, p99: result.latency.p99, errors: result.non2xx + result.errors };
}

function latency(out, percentile) {
  const m = out.match(new RegExp(`${percentile}\\s+([\\d.]+)(us|ms|s)`));
  const scale = { us: 0.001, ms: 1, s: 1000 }[m[2]];
  return Number(m[1]) * scale;
}

async function measure(name, pid, url) {
  await load(url); // warm-up pass (JIT, keep-alive pools), same length as the run
  const before = cpuTicks(pid);
  const result = await load(url);
  const cpuMs = ((cpuTicks(pid) - before) / CLK_TCK) * 1000;
  return { name, ...result, cpuUsPerRequest: (cpuMs * 1000) / result.requests };
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
  const mock = await client.send(new CreateResourceCommand({ restApiId: api.id, parentId: api.rootResourceId, pathPart: 'mock' }));
  await client.send(new PutMethodCommand({ restApiId: api.id, resourceId: mock.id, httpMethod: 'GET', authorizationType: 'NONE' }));
  await client.send(new PutIntegrationCommand({ restApiId: api.id, resourceId: mock.id, httpMethod: 'GET', type: 'MOCK', requestTemplates: { 'application/json': '{"statusCode": 200}' } }));
  await client.send(new PutMethodResponseCommand({ restApiId: api.id, resourceId: mock.id, httpMethod: 'GET', statusCode: '200' }));
  await client.send(new PutIntegrationResponseCommand({ restApiId: api.id, resourceId: mock.id, httpMethod: 'GET', statusCode: '200', responseTemplates: { 'application/json': '{"ok": true, "service": "mock"}' } }));
  await client.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'bench' }));
  client.destroy();
  return api.id;
}

async function main() {
  if (!existsSync(join(root, 'dist/cli/archway.js'))) throw new Error('run `npm run build` first');
  console.log(`load: ${hasWrk ? 'wrk' : 'autocannon'}, ${CONNECTIONS} connections, ${DURATION_S}s per run (after an equal warm-up); server on core ${SERVER_CORE}, load + backend on core ${LOAD_CORE}${hasTaskset ? '' : ' (taskset missing: not pinned)'}`);
  const backend = await startPinned(LOAD_CORE, join(here, 'backend.mjs'));
  const bare = await startPinned(SERVER_CORE, join(here, 'bare-proxy.mjs'), { UPSTREAM: `http://127.0.0.1:${backend.port}` });
  const archway = pinned(SERVER_CORE, process.execPath, ['dist/cli/archway.js', 'start', '--port', '0', '--in-memory', '--log-level', process.env.BENCH_LOG_LEVEL ?? 'warn']);
  const [, archwayPort] = await readLine(archway, /listening on http:\/\/[^:]+:(\d+)/);
  const endpoint = `http://127.0.0.1:${archwayPort}`;
  const apiId = await setUpArchwayApi(endpoint, backend.port);

  const rows = [];
  rows.push(await measure('backend direct', backend.child.pid, `http://127.0.0.1:${backend.port}/items/1`));
  rows.push(await measure('bare undici proxy', bare.child.pid, `http://127.0.0.1:${bare.port}/items/1`));
  rows.push(await measure('Archway HTTP_PROXY /{proxy+}', archway.pid, `${endpoint}/_aws/execute-api/${apiId}/bench/items/1`));
  rows.push(await measure('Archway MOCK', archway.pid, `${endpoint}/_aws/execute-api/${apiId}/bench/mock`));

  const ceiling = rows[1].rps;
  console.log('\n| target | rps | p50 ms | p99 ms | CPU µs/req | vs bare proxy | errors |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.name} | ${Math.round(r.rps)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.cpuUsPerRequest.toFixed(1)} | ${Math.round((r.rps / ceiling) * 100)} % | ${r.errors} |`);
  }
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
