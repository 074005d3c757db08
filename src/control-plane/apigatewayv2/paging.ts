// apigatewayv2 list paging: `maxResults` (a string in the model) and an opaque `nextToken`,
// answered as `{"items": [...], "nextToken": "..."}`
// (https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis.html#apisget). Without
// `maxResults` every item is answered (AWS's default page size is not documented; unverified).
import { badRequest } from '../../aws/errors.js';

export interface V2Page<T> {
  items: T[];
  nextToken?: string;
}

export function paginateV2<T>(all: readonly T[], query: URLSearchParams): V2Page<T> {
  const max = query.get('maxResults');
  let limit = all.length;
  if (max !== null) {
    limit = Number(max);
    if (!/^\d+$/.test(max) || limit < 1) throw badRequest(`Invalid maxResults: ${max}`); // unverified
  }
  const token = query.get('nextToken');
  let start = 0;
  if (token !== null && token !== '') {
    const m = /^o:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
    if (m === null) throw badRequest('Invalid nextToken'); // unverified
    start = Number(m[1]);
  }
  const items = all.slice(start, start + limit);
  const next = start + limit;
  return next < all.length ? { items, nextToken: Buffer.from(`o:${next}`).toString('base64url') } : { items };
}
