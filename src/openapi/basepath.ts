// The `basepath=ignore|prepend|split` import parameter: how the document's base path (Swagger
// `basePath`; OpenAPI 3: the first `basePath` server variable, else the path of `servers[0].url`)
// becomes resource paths. https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-import-api-basePath.html
// With basePath /a/b/c and path /e: ignore → /e, prepend → /a/b/c/e, split → /b/c/e (documented;
// split recorded in LocalStack's AWS snapshots: /base-url/part → /part).
import { badRequest } from '../aws/errors.js';
import { isObject, type OpenApiDocument } from './document.js';

export type BasePathMode = 'ignore' | 'prepend' | 'split';
export const BASE_PATH_MODES: readonly BasePathMode[] = ['ignore', 'prepend', 'split'];

export function parseBasePathMode(value: string | null): BasePathMode {
  if (value === null || value === '') return 'ignore';
  if (!(BASE_PATH_MODES as readonly string[]).includes(value)) {
    throw badRequest(`Invalid basepath parameter: ${value}. Valid values are ${BASE_PATH_MODES.join(', ')}`); // unverified
  }
  return value as BasePathMode;
}

/** The document's base path as `/a/b`, or '' when it has none. */
export function documentBasePath(doc: OpenApiDocument): string {
  if (doc.version === 'swagger2') return normalize(typeof doc.root.basePath === 'string' ? doc.root.basePath : '');
  const servers = Array.isArray(doc.root.servers) ? doc.root.servers.filter(isObject) : [];
  for (const server of servers) {
    const variable = isObject(server.variables) ? server.variables.basePath : undefined;
    if (isObject(variable) && variable.default !== undefined) return normalize(String(variable.default));
  }
  const server = servers[0];
  if (!server || typeof server.url !== 'string') return '';
  const variables = isObject(server.variables) ? server.variables : {};
  const url = server.url.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const variable = variables[name];
    return isObject(variable) && variable.default !== undefined ? String(variable.default) : whole;
  });
  const path = url.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]*/, '');
  return normalize(path);
}

/** What goes in front of every document path under `mode`. */
export function basePathPrefix(mode: BasePathMode, basePath: string): string {
  if (mode === 'ignore' || basePath === '') return '';
  if (mode === 'prepend') return basePath;
  const rest = basePath.split('/').filter(Boolean).slice(1);
  return rest.length === 0 ? '' : `/${rest.join('/')}`;
}

function normalize(path: string): string {
  const parts = path.split(/[?#]/)[0].split('/').filter(Boolean);
  return parts.length === 0 ? '' : `/${parts.join('/')}`;
}
