// The practical Node ceiling: a bare reverse proxy on an undici Pool, no routing, no
// mapping, no logging. Archway's HTTP_PROXY route is measured against this.
import { createServer } from 'node:http';
import { Pool } from 'undici';

const upstream = new Pool(process.env.UPSTREAM, { connections: 128, pipelining: 1 });
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host']);

const server = createServer((req, res) => {
  const headers = {};
  for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
  upstream.request({ method: req.method, path: req.url, headers, body: req.method === 'GET' || req.method === 'HEAD' ? null : req }).then(
    ({ statusCode, headers: upstreamHeaders, body }) => {
      for (const name of HOP_BY_HOP) delete upstreamHeaders[name];
      res.writeHead(statusCode, upstreamHeaders);
      body.pipe(res);
    },
    () => {
      res.writeHead(502);
      res.end();
    },
  );
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`PORT=${server.address().port}`));
