// Archway's own endpoints under /_archway/ (health now; metrics in a later issue).
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ArchwayEndpointDeps {
  version: string;
  startedAt: number;
}

export function handleArchwayEndpoint(req: IncomingMessage, res: ServerResponse, deps: ArchwayEndpointDeps): void {
  const path = (req.url ?? '').split('?')[0];
  if (path === '/_archway/health' && (req.method === 'GET' || req.method === 'HEAD')) {
    const body = JSON.stringify({
      status: 'ok',
      version: deps.version,
      uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
    });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  const body = JSON.stringify({ message: 'Not Found' });
  res.writeHead(404, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
