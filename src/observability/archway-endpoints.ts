// Archway's own endpoints under /_archway/ (health; metrics in a later issue), and the local
// issuer's discovery document and JWKS for user pools mapped to `local`
// (`/_archway/issuer/{poolId}/.well-known/openid-configuration` and `…/jwks.json`, Cognito's
// paths), whose issuer URL is the address the caller reached Archway at.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { localIssuerUrl } from '../auth/local-issuer.js';
import { LOCAL_ISSUER_PATH } from '../auth/user-pools.js';
import type { UserPoolVerifier } from '../auth/user-pool-verifier.js';

export interface ArchwayEndpointDeps {
  version: string;
  startedAt: number;
  /** Which pools Archway issues tokens for, and its key. */
  userPools?: Pick<UserPoolVerifier, 'isLocal' | 'localIssuer'>;
}

const ISSUER_DOCUMENT = /^([^/]+)\/\.well-known\/(openid-configuration|jwks\.json)$/;

export function handleArchwayEndpoint(req: IncomingMessage, res: ServerResponse, deps: ArchwayEndpointDeps): void {
  const path = (req.url ?? '').split('?')[0];
  const readOnly = req.method === 'GET' || req.method === 'HEAD';
  if (path === '/_archway/health' && readOnly) {
    return json(req, res, 200, {
      status: 'ok',
      version: deps.version,
      uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
    });
  }
  const issuerDocument = path.startsWith(LOCAL_ISSUER_PATH) ? ISSUER_DOCUMENT.exec(path.slice(LOCAL_ISSUER_PATH.length)) : null;
  const issuer = deps.userPools?.localIssuer;
  if (issuerDocument !== null && readOnly && issuer !== undefined && deps.userPools!.isLocal(issuerDocument[1])) {
    const [, poolId, document] = issuerDocument;
    if (document === 'jwks.json') return json(req, res, 200, issuer.jwks());
    const scheme = (req.socket as { encrypted?: boolean }).encrypted === true ? 'https' : 'http';
    return json(req, res, 200, issuer.discovery(localIssuerUrl(`${scheme}://${req.headers.host ?? 'localhost'}`, poolId)));
  }
  json(req, res, 404, { message: 'Not Found' });
}

function json(req: IncomingMessage, res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
}
