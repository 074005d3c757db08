// v1 list paging: `limit` (default 25, max 500) and an opaque `position` token; the page is
// written as `{"item": [...], "position": "..."}`
// (https://docs.aws.amazon.com/apigateway/latest/api/API_GetRestApis.html).
import { badRequest } from '../../aws/errors.js';

export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 500;

export interface Page<T> {
  item: T[];
  position?: string;
}

export function paginate<T>(items: readonly T[], query: URLSearchParams): Page<T> {
  const limitParam = query.get('limit');
  let limit = DEFAULT_LIMIT;
  if (limitParam !== null) {
    limit = Number(limitParam);
    // Message unverified.
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw badRequest(`Invalid limit specified: must be between 1 and ${MAX_LIMIT}`);
  }
  const positionParam = query.get('position');
  let start = 0;
  if (positionParam !== null && positionParam !== '') {
    start = decodePosition(positionParam);
  }
  const item = items.slice(start, start + limit);
  const next = start + limit;
  return next < items.length ? { item, position: encodePosition(next) } : { item };
}

function encodePosition(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

function decodePosition(position: string): number {
  const decoded = Buffer.from(position, 'base64url').toString('utf8');
  const m = /^o:(\d+)$/.exec(decoded);
  if (!m) throw badRequest('Invalid position parameter specified'); // unverified
  return Number(m[1]);
}
