// Benchmark backend: a minimal keep-alive HTTP server answering a small JSON body.
import { createServer } from 'node:http';

const body = Buffer.from(JSON.stringify({ ok: true, service: 'bench-backend' }));
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`PORT=${server.address().port}`));
