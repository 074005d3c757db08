// HTTP API route keys and route selection (AWS Developer Guide "Create routes for HTTP APIs in
// API Gateway", https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html).
// Documented: a full match of path and method first (static segments beat `{param}`), then a
// route with a greedy `{name+}`, then `$default`; `ANY` stands for the verbs a path does not
// define itself. AWS-recorded (real HTTP API events in aws/aws-lambda-dotnet's Lambda Test Tool
// snapshots): `{param}` values reach the integration percent-decoded, unlike REST's.
// Observed by Architect's sandbox tests (github.com/architect/sandbox, root-handling): `/{param}`
// takes the request `/` with the value '', and `/x/{proxy+}` takes `/x/` with ''. So a trailing
// slash ends the path with an empty segment, and `/` is one empty segment.
// Unverified and chosen here: the path is split on its raw '/' before decoding (`%2F` stays inside
// a value), static parts are compared decoded and case-sensitively, `/pets/` does not match
// `GET /pets` and `/pets` does not match `ANY /pets/{proxy+}`, a longer path beats an exact method
// (`ANY /pets/dog` over `GET /pets/{id}`), the greedy route with the most segments before `{name+}`
// wins, HEAD never falls back to a GET route, and verbs other than the seven match nothing.

const DEFAULT_ROUTE_KEY = '$default';

export type HttpRouteMethod = 'ANY' | 'DELETE' | 'GET' | 'HEAD' | 'OPTIONS' | 'PATCH' | 'POST' | 'PUT';

const ROUTE_METHODS: ReadonlySet<string> = new Set<HttpRouteMethod>(['ANY', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);

/** The verbs `ANY` stands for. A request with any other verb matches no route. */
const ANY_VERBS: ReadonlySet<string> = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);

/** AWS checks each path part against this (message seen in CreateRoute answers; ':' added since 2021). */
const PATH_PART = /^(\{[\w.:-]+\+?\}|[a-zA-Z0-9.:_-]+)$/;
const PATH_PART_MESSAGE = 'One or more path parts appear to be invalid. Parts are validated against this regular expression: '
  + '^(\\{[\\w.:-]+\\+?\\}|[a-zA-Z0-9.:_-]+)$';

export type RoutePathPart =
  | { kind: 'static'; value: string }
  | { kind: 'param'; name: string }
  | { kind: 'greedy'; name: string };

export type ParsedRouteKey =
  | { kind: 'default'; routeKey: '$default' }
  | {
    kind: 'route';
    /** As written, which is also `$context.routeKey` and the key of stage `routeSettings`. */
    routeKey: string;
    method: HttpRouteMethod;
    path: string;
    /** The parts after the leading '/'; none for `/`. */
    parts: readonly RoutePathPart[];
  };

/**
 * Validates a route key as CreateRoute/UpdateRoute do: `$default`, or `METHOD /path`. Returns the
 * parsed key, or the message for a BadRequestException.
 */
export function parseRouteKey(routeKey: string): ParsedRouteKey | string {
  // Seen from AWS for an empty key (goldstack/goldstack#42).
  if (routeKey === '') return 'Route key is required';
  if (routeKey === DEFAULT_ROUTE_KEY) return { kind: 'default', routeKey: DEFAULT_ROUTE_KEY };
  const space = routeKey.indexOf(' ');
  const path = space === -1 ? '' : routeKey.slice(space + 1);
  if (!path.startsWith('/')) {
    return `Invalid route key '${routeKey}': a route key is $default or an HTTP method and a path starting with '/', such as 'GET /pets'`; // unverified
  }
  const method = routeKey.slice(0, space);
  if (!ROUTE_METHODS.has(method)) {
    return `Invalid HTTP method '${method}' in route key '${routeKey}': use ANY, DELETE, GET, HEAD, OPTIONS, PATCH, POST or PUT`; // unverified
  }
  const parts: RoutePathPart[] = [];
  if (path !== '/') {
    const texts = path.slice(1).split('/');
    const names = new Set<string>();
    for (let i = 0; i < texts.length; i++) {
      const text = texts[i];
      if (!PATH_PART.test(text)) return PATH_PART_MESSAGE;
      if (!text.startsWith('{')) {
        parts.push({ kind: 'static', value: text });
        continue;
      }
      const greedy = text.endsWith('+}');
      const name = text.slice(1, greedy ? -2 : -1);
      if (greedy && i !== texts.length - 1) return `A greedy path variable must be the last part of the path: ${text}`; // unverified
      if (names.has(name)) return `Path variable names must be unique in a route: {${name}}`; // unverified
      names.add(name);
      parts.push(greedy ? { kind: 'greedy', name } : { kind: 'param', name });
    }
  }
  return { kind: 'route', routeKey, method: method as HttpRouteMethod, path, parts };
}

export interface HttpRouteMatch<T> {
  value: T;
  /** The matched route's key as written (`$context.routeKey`). */
  routeKey: string;
  /** Null-prototype; undefined when the route has no path variables (and for `$default`). */
  pathParameters: Record<string, string> | undefined;
}

/** Static children are scanned linearly up to this count (no string slice), then hashed. */
const LINEAR_SCAN_MAX = 8;

interface CompiledRoute<T> {
  value: T;
  routeKey: string;
  /** One entry per segment before any `{name+}`: the variable's name, undefined for a static part. */
  segmentNames: (string | undefined)[];
  greedyName: string | undefined;
  hasParameters: boolean;
}

interface RouteNode<T> {
  staticKeys: string[];
  staticNodes: RouteNode<T>[];
  staticMap: Map<string, RouteNode<T>> | undefined;
  paramNode: RouteNode<T> | undefined;
  /** Method (or 'ANY') → the route ending at this node; null-prototype. */
  exact: Record<string, CompiledRoute<T>> | undefined;
  /** Method (or 'ANY') → the route whose `{name+}` follows this node; null-prototype. */
  greedy: Record<string, CompiledRoute<T>> | undefined;
  /** Whether this node or one below it has a greedy route (the greedy pass skips the rest). */
  hasGreedy: boolean;
}

/** The route `/` is the one empty segment that the request path `/` has. */
const ROOT_PARTS: readonly RoutePathPart[] = [{ kind: 'static', value: '' }];

function newNode<T>(): RouteNode<T> {
  return {
    staticKeys: [], staticNodes: [], staticMap: undefined, paramNode: undefined,
    exact: undefined, greedy: undefined, hasGreedy: false,
  };
}

export class HttpRouter<T> {
  readonly #root: RouteNode<T>;
  readonly #fallback: CompiledRoute<T> | undefined;

  private constructor(root: RouteNode<T>, fallback: CompiledRoute<T> | undefined) {
    this.#root = root;
    this.#fallback = fallback;
  }

  /**
   * Builds the tree once per deployment from (route key, value) pairs. Throws on a key
   * parseRouteKey refuses, and on two keys that match the same requests (`GET /a/{id}` and
   * `GET /a/{name}`): the control plane should have refused both.
   */
  static build<T>(routes: Iterable<readonly [routeKey: string, value: T]>): HttpRouter<T> {
    const root = newNode<T>();
    let fallback: CompiledRoute<T> | undefined;
    for (const [routeKey, value] of routes) {
      const key = parseRouteKey(routeKey);
      if (typeof key === 'string') throw new Error(`${key} (route key ${routeKey})`);
      if (key.kind === 'default') {
        if (fallback !== undefined) throw new Error('duplicate route key: $default');
        fallback = { value, routeKey, segmentNames: [], greedyName: undefined, hasParameters: false };
        continue;
      }
      let node = root;
      const segmentNames: (string | undefined)[] = [];
      let greedyName: string | undefined;
      for (const part of key.parts.length === 0 ? ROOT_PARTS : key.parts) {
        if (part.kind === 'greedy') {
          greedyName = part.name;
        } else if (part.kind === 'param') {
          segmentNames.push(part.name);
          node = node.paramNode ??= newNode<T>();
        } else {
          segmentNames.push(undefined);
          let index = node.staticKeys.indexOf(part.value);
          if (index === -1) {
            index = node.staticKeys.push(part.value) - 1;
            node.staticNodes.push(newNode<T>());
          }
          node = node.staticNodes[index];
        }
      }
      const hasParameters = greedyName !== undefined || segmentNames.some((name) => name !== undefined);
      const route: CompiledRoute<T> = { value, routeKey, segmentNames, greedyName, hasParameters };
      const table = greedyName === undefined
        ? (node.exact ??= Object.create(null) as Record<string, CompiledRoute<T>>)
        : (node.greedy ??= Object.create(null) as Record<string, CompiledRoute<T>>);
      const existing = table[key.method];
      if (existing !== undefined) throw new Error(`route keys ${existing.routeKey} and ${routeKey} match the same requests`);
      table[key.method] = route;
    }
    finish(root);
    return new HttpRouter(root, fallback);
  }

  /**
   * The route for `method` on `rawPath` (the path after the stage, starting with '/',
   * percent-encoding kept), or undefined (AWS answers 404 `{"message":"Not Found"}`).
   * Allocates the result, its parameters and their strings, nothing else unless the path
   * has percent-escapes in a segment compared to a static part.
   */
  match(method: string, rawPath: string): HttpRouteMatch<T> | undefined {
    if (!ANY_VERBS.has(method)) return undefined;
    const path = rawPath === '' ? '/' : rawPath;
    const root = this.#root;
    const route = exactRoute(root, path, 0, method)
      ?? (root.hasGreedy ? greedyRoute(root, path, 0, method) : undefined)
      ?? this.#fallback;
    if (route === undefined) return undefined;
    return {
      value: route.value,
      routeKey: route.routeKey,
      pathParameters: route.hasParameters ? parametersOf(route, path) : undefined,
    };
  }
}

function finish<T>(node: RouteNode<T>): boolean {
  if (node.staticKeys.length > LINEAR_SCAN_MAX) {
    node.staticMap = new Map(node.staticKeys.map((key, i) => [key, node.staticNodes[i]]));
  }
  let hasGreedy = node.greedy !== undefined;
  for (const child of node.staticNodes) hasGreedy = finish(child) || hasGreedy;
  if (node.paramNode !== undefined) hasGreedy = finish(node.paramNode) || hasGreedy;
  node.hasGreedy = hasGreedy;
  return hasGreedy;
}

function methodOf<T>(table: Record<string, CompiledRoute<T>> | undefined, method: string): CompiledRoute<T> | undefined {
  if (table === undefined) return undefined;
  // An explicit method wins over ANY on the same path (documented: ANY covers the methods not defined).
  return table[method] ?? table.ANY;
}

/** End of the segment starting at `start`: the next '/' or the end of the path. */
function segmentEnd(path: string, start: number): number {
  const slash = path.indexOf('/', start);
  return slash === -1 ? path.length : slash;
}

function hasEscape(path: string, start: number, stop: number): boolean {
  for (let i = start; i < stop; i++) if (path.charCodeAt(i) === 37 /* '%' */) return true;
  return false;
}

/** Percent-decoded; a malformed escape leaves the text as written (unverified). */
function decoded(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function staticChild<T>(node: RouteNode<T>, path: string, start: number, stop: number): RouteNode<T> | undefined {
  const keys = node.staticKeys;
  if (keys.length === 0) return undefined;
  if (hasEscape(path, start, stop)) {
    // `/p%65ts` is `/pets`: URI equivalence, and AWS decodes the path it hands on.
    const segment = decoded(path.slice(start, stop));
    if (node.staticMap !== undefined) return node.staticMap.get(segment);
    const index = keys.indexOf(segment);
    return index === -1 ? undefined : node.staticNodes[index];
  }
  if (node.staticMap !== undefined) return node.staticMap.get(path.slice(start, stop));
  const length = stop - start;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (key.length === length && path.startsWith(key, start)) return node.staticNodes[i];
  }
  return undefined;
}

/**
 * A route without `{name+}` that consumes the whole path, static parts tried before `{param}` at
 * each segment. Backtracks when the more specific branch has neither the method nor ANY.
 * `pos` is the index of the '/' before the next segment.
 */
function exactRoute<T>(node: RouteNode<T>, path: string, pos: number, method: string): CompiledRoute<T> | undefined {
  const start = pos + 1;
  const stop = segmentEnd(path, start);
  const last = stop === path.length;
  const child = staticChild(node, path, start, stop);
  if (child !== undefined) {
    const found = last ? methodOf(child.exact, method) : exactRoute(child, path, stop, method);
    if (found !== undefined) return found;
  }
  const param = node.paramNode;
  if (param === undefined) return undefined;
  return last ? methodOf(param.exact, method) : exactRoute(param, path, stop, method);
}

/**
 * The greedy route with the method (or ANY) and the most segments before its `{name+}`; at equal
 * length the static branch wins. The greedy variable takes everything after the '/' at `pos`,
 * so a route's prefix only matches when a '/' follows it.
 */
function greedyRoute<T>(node: RouteNode<T>, path: string, pos: number, method: string): CompiledRoute<T> | undefined {
  const start = pos + 1;
  const stop = segmentEnd(path, start);
  let best: CompiledRoute<T> | undefined;
  if (stop < path.length) {
    const child = staticChild(node, path, start, stop);
    if (child !== undefined && child.hasGreedy) best = greedyRoute(child, path, stop, method);
    const param = node.paramNode;
    if (param !== undefined && param.hasGreedy) {
      const found = greedyRoute(param, path, stop, method);
      if (found !== undefined && (best === undefined || found.segmentNames.length > best.segmentNames.length)) best = found;
    }
  }
  return best ?? methodOf(node.greedy, method);
}

function parametersOf<T>(route: CompiledRoute<T>, path: string): Record<string, string> {
  // Null-prototype: a route may name a variable `{__proto__}` (the part pattern allows it).
  const parameters = Object.create(null) as Record<string, string>;
  let pos = 0;
  for (const name of route.segmentNames) {
    const start = pos + 1;
    const stop = segmentEnd(path, start);
    if (name !== undefined) parameters[name] = decoded(path.slice(start, stop));
    pos = stop;
  }
  if (route.greedyName !== undefined) parameters[route.greedyName] = decoded(path.slice(pos + 1));
  return parameters;
}
