// Signs data-plane requests for service execute-api with @smithy/signature-v4 (the AWS SDK's
// signer), header or presigned form, and sends them over loopback with undici.
import { request } from 'undici';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../../src/aws/sigv4.js';

export interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignedCall {
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  /** Presigned query-string form instead of the Authorization header. */
  presign?: boolean;
  signingDate?: Date;
  region?: string;
  /** The credential scope's service (`execute-api` unless given). */
  service?: string;
}

export interface Answer {
  status: number;
  errorType: string | undefined;
  body: string;
}

type HttpRequestLike = Parameters<SignatureV4['sign']>[0] & { body?: string };

/** Calls `url` signed with `keys`; undefined keys send the request unsigned. */
export async function signedCall(url: string, keys: Keys | undefined, call: SignedCall = {}): Promise<Answer> {
  const target = new URL(url);
  const method = call.method ?? 'GET';
  const query: Record<string, string> = {};
  for (const [name, value] of target.searchParams) query[name] = value;
  let unsigned: HttpRequestLike = {
    method, protocol: target.protocol, hostname: target.hostname, port: Number(target.port), path: target.pathname, query,
    headers: { host: target.host, ...call.headers }, body: call.body,
  };
  if (keys !== undefined) {
    const signer = new SignatureV4({ credentials: keys, region: call.region ?? 'us-east-1', service: call.service ?? 'execute-api', sha256: NodeSha256 });
    const signingDate = call.signingDate ?? new Date();
    unsigned = call.presign
      ? { ...unsigned, ...(await signer.presign(unsigned, { signingDate, expiresIn: 300 })) }
      : { ...unsigned, ...(await signer.sign(unsigned, { signingDate })) };
  }
  const search = new URLSearchParams(unsigned.query as Record<string, string>).toString().replaceAll('+', '%20');
  // undici writes the same Host itself.
  const headers = { ...unsigned.headers };
  delete headers.host;
  const response = await request(`${target.origin}${unsigned.path}${search === '' ? '' : `?${search}`}`, { method, headers, body: call.body });
  return { status: response.statusCode, errorType: response.headers['x-amzn-errortype'] as string | undefined, body: await response.body.text() };
}
