// What the listener refuses before any plane sees a request, as a gateway should rather than as
// Node would: a protocol version other than HTTP/1.x (505; Node would serve `HTTP/2.0` as 1.1),
// an HTTP/1.1 request without Host, and one with two Host headers (400; RFC 9112 §3.2 asks for
// exactly one).

export interface RefusedRequest {
  status: number;
  message: string;
}

interface RequestLine {
  httpVersionMajor: number;
  httpVersionMinor: number;
  rawHeaders: readonly string[];
}

export function refusedRequestLine(req: RequestLine): RefusedRequest | undefined {
  if (req.httpVersionMajor !== 1) return { status: 505, message: 'HTTP Version Not Supported' };
  let hosts = 0;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (raw[i].length === 4 && raw[i].toLowerCase() === 'host') hosts++;
  if (hosts > 1 || (hosts === 0 && req.httpVersionMinor >= 1)) return { status: 400, message: 'Bad Request' };
  return undefined;
}
