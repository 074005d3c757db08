// Integrations as dispatchers: called with an IntegrationRequest alone (no REST context), as
// HTTP APIs, WebSocket routes and authorizers will call them. HTTP goes to a real backend over
// loopback.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Agent } from 'undici';
import { createIntegrations, type HttpEndpointRequest, type IntegrationSignal, type MockRequest } from '../../../src/integrations/index.js';
import { ClientAbortedError } from '../../../src/request-body.js';
import { IntegrationFailureError } from '../../../src/data-plane/errors/index.js';
import { collectBody } from '../../../src/integrations/body-stream.js';
import { refusedPort, startBackend, type TestBackend } from '../../helpers/backend.js';

let backend: TestBackend;
let agent: Agent;
const registry = () => createIntegrations({ dispatcher: agent, insecure: () => agent, functions: undefined, maxResponseBodyBytes: 1024 * 1024 });

beforeAll(async () => {
  backend = await startBackend();
  agent = new Agent();
});

afterAll(async () => {
  await agent.destroy();
  await backend.close();
});

function httpRequest(path: string, signal: IntegrationSignal = { pending: undefined }, origin = backend.url): HttpEndpointRequest {
  return { kind: 'http', method: 'POST', origin, path, headers: ['X-Test', 'yes'], body: Buffer.from('hi'), timeoutMs: 5000, signal };
}

describe('dispatchers', () => {
  it('MOCK answers synchronously with the status of the template output', () => {
    const mock = registry().dispatcherFor('MOCK', { insecureTls: false })!;
    const request: MockRequest = { kind: 'mock', text: '{"statusCode": 201}', body: Buffer.alloc(0), timeoutMs: 1000, signal: { pending: undefined } };
    const response = mock.invoke(request);
    expect(response).not.toBeInstanceOf(Promise);
    expect((response as { statusCode: number }).statusCode).toBe(201);
  });

  it('HTTP sends the request and buffers the endpoint response', async () => {
    const http = registry().dispatcherFor('HTTP', { insecureTls: false })!;
    const signal: IntegrationSignal = { pending: undefined };
    const response = await http.invoke(httpRequest('/echo', signal));
    expect(response.statusCode).toBe(200);
    const echo = JSON.parse((response.body as Buffer).toString()) as { method: string; path: string; headers: Record<string, string>; body: string };
    expect(echo).toMatchObject({ method: 'POST', path: '/echo', body: 'hi' });
    expect(echo.headers['x-test']).toBe('yes');
    expect(signal.pending).toBeUndefined();
  });

  it('HTTP_PROXY hands the body on as a stream', async () => {
    const proxy = registry().dispatcherFor('HTTP_PROXY', { insecureTls: false })!;
    const response = await proxy.invoke(httpRequest('/streamed'));
    expect(Buffer.isBuffer(response.body)).toBe(false);
    const body = await collectBody(response.body as Exclude<typeof response.body, Buffer>, 1024 * 1024);
    expect(JSON.parse(body.toString())).toMatchObject({ path: '/streamed' });
  });

  it('is cancelled through its signal while the endpoint has not answered', async () => {
    backend.respond = (req) => (req.path === '/stalled' ? { stall: 'headers' } : undefined);
    const http = registry().dispatcherFor('HTTP', { insecureTls: false })!;
    const signal: IntegrationSignal = { pending: undefined };
    const pending = http.invoke(httpRequest('/stalled', signal));
    expect(signal.pending).toBeDefined();
    for (let waited = 0; !backend.requests.some((r) => r.path === '/stalled'); waited += 10) {
      if (waited > 5000) throw new Error('/stalled never reached the backend');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    signal.pending?.cancel(new ClientAbortedError('gone'));
    await expect(pending).rejects.toBeInstanceOf(ClientAbortedError);
    backend.respond = undefined;
  });

  it('turns a refused connection into INTEGRATION_FAILURE', async () => {
    const http = registry().dispatcherFor('HTTP', { insecureTls: false })!;
    const port = await refusedPort();
    await expect(http.invoke(httpRequest('/x', undefined, `http://127.0.0.1:${port}`))).rejects.toBeInstanceOf(IntegrationFailureError);
  });

  it('has no Lambda dispatcher without a function runtime', () => {
    expect(registry().dispatcherFor('AWS_PROXY', { insecureTls: false })).toBeUndefined();
  });
});
