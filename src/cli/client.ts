// A minimal client for the CLI: requests to a running Archway's control plane, signed
// with SigV4 (service `apigateway` or `lambda`) by @smithy/signature-v4, sent with fetch. Answers AWS's error
// envelope as an ApiError. Works from a production install (no AWS SDK needed).
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../aws/sigv4.js';
import type { ClientOptions } from '../options/client-options.js';

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Already percent-encoded path, e.g. /restapis/abc/stages/dev/exports/oas30. */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: Buffer;
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly type: string, message: string) {
    super(message);
    this.name = type;
  }
}

/** The control plane's answers to a request signed with the wrong credentials. */
const SIGNATURE_ERRORS = new Set(['UnrecognizedClientException', 'InvalidSignatureException']);

export class ControlPlaneClient {
  readonly #endpoint: URL;
  readonly #signer: SignatureV4;
  readonly #accessKeyId: string;

  /** `service`: the credential scope's service, `apigateway` or `lambda`. */
  constructor(options: ClientOptions, service: 'apigateway' | 'lambda' = 'apigateway') {
    this.#endpoint = new URL(options.endpoint);
    this.#accessKeyId = options.adminCredentials.accessKeyId;
    this.#signer = new SignatureV4({ credentials: options.adminCredentials, region: options.region, service, sha256: NodeSha256 });
  }

  /** Sends a signed request; a non-2xx answer throws an ApiError with AWS's type and message. */
  async send(request: ApiRequest): Promise<ApiResponse> {
    const body = typeof request.body === 'string' ? Buffer.from(request.body) : request.body;
    const query = request.query ?? {};
    const headers: Record<string, string> = { host: this.#endpoint.host, ...request.headers };
    const signed = await this.#signer.sign({
      method: request.method,
      protocol: this.#endpoint.protocol,
      hostname: this.#endpoint.hostname,
      port: this.#endpoint.port === '' ? undefined : Number(this.#endpoint.port),
      path: request.path,
      query,
      headers,
      body,
    });
    const search = Object.entries(query).map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
    const url = `${this.#endpoint.origin}${request.path}${search ? `?${search}` : ''}`;
    const { host: _host, ...sendHeaders } = signed.headers;
    let res: Response;
    try {
      res = await fetch(url, { method: request.method, headers: sendHeaders, body });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new ApiError(0, 'ConnectionError', `cannot reach Archway at ${this.#endpoint.origin}${cause ? ` (${cause})` : ''}`);
    }
    const answer = { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
    if (res.status >= 300) {
      let message = answer.body.toString('utf8');
      try {
        message = (JSON.parse(message) as { message?: string }).message ?? message;
      } catch {
        // not JSON: keep the text
      }
      const type = res.headers.get('x-amzn-errortype') ?? `HTTP ${res.status}`;
      if (res.status === 403 && SIGNATURE_ERRORS.has(type)) message += ` (signed with access key '${this.#accessKeyId}': --admin-credentials or ARCHWAY_ADMIN_CREDENTIALS must match the running Archway's)`;
      throw new ApiError(res.status, type, message);
    }
    return answer;
  }

  async json<T>(request: ApiRequest): Promise<T> {
    const res = await this.send({ ...request, headers: { accept: 'application/json', ...request.headers } });
    return (res.body.length > 0 ? JSON.parse(res.body.toString('utf8')) : {}) as T;
  }
}

/** RFC 3986 encoding, as SigV4 canonicalises query strings. */
const encode = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
