// The practical Node ceiling: a bare reverse proxy on an undici Pool, no routing, no
// mapping, no logging. `pool.stream` hands the response body straight to the ServerResponse
// (no intermediate Readable, no pipe): the fastest way undici offers. Archway's HTTP_PROXY
// route is measured against this.
import { createServer } from 'node:http';
import { Pool } from 'undici';

const upstream = new Pool(process.env.UPSTREAM, { connections: 128, pipelining: 1 });
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host']);

function copyHeaders(from) {
  const headers = {};
  for (const name in from) if (!HOP_BY_HOP.has(name)) headers[name] = from[name];
  return headers;
}

const server = createServer((req, res) => {
  upstream.stream(
    { method: req.method, path: req.url, headers: copyHeaders(req.headers), body: req.method === 'GET' || req.method === 'HEAD' ? null : req, opaque: res },
    ({ statusCode, headers, opaque }) => {
      opaque.writeHead(statusCode, copyHeaders(headers));
      return opaque;
    },
    (error) => {
      if (error === null) return;
      if (res.headersSent) res.destroy(error);
      else res.writeHead(502).end();
    },
  );
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`PORT=${server.address().port}`));
