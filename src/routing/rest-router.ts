// REST API resource and method matching (AWS Developer Guide "Set up a proxy integration with a
// proxy resource",
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-set-up-simple-proxy.html).
// Rules checked against AWS-recorded LocalStack tests: static > {param} > {param+} with
// backtracking, method-aware fall-through to a less specific resource, ANY as a fallback for the
// seven verbs, trailing slashes ignored, greedy values raw. Unverified and chosen here: `{param}`
// values are also raw (not percent-decoded) and never empty.

/** The verbs `ANY` stands for. Anything else never matches a route. */
const ANY_VERBS: ReadonlySet<string> = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);

/** Static children are scanned linearly up to this count (no string slice), then hashed. */
const LINEAR_SCAN_MAX = 8;

interface RouteNode<T> {
  /** Verb (or 'ANY') → value; null-prototype object, undefined when the resource has no method. */
  methods: Record<string, T> | undefined;
  staticKeys: string[];
  staticNodes: RouteNode<T>[];
  staticMap: Map<string, RouteNode<T>> | undefined;
  paramName: string | undefined;
  paramNode: RouteNode<T> | undefined;
  greedyName: string | undefined;
  greedyNode: RouteNode<T> | undefined;
}

export interface RouteDefinition<T> {
  /** The resource path as AWS stores it: `/`, `/pets/{id}`, `/{proxy+}`. */
  path: string;
  /** Verb (`GET`, …, `ANY`) → the value returned on a match. */
  methods: Readonly<Record<string, T>>;
}

function newNode<T>(): RouteNode<T> {
  return {
    methods: undefined, staticKeys: [], staticNodes: [], staticMap: undefined,
    paramName: undefined, paramNode: undefined, greedyName: undefined, greedyNode: undefined,
  };
}

export class RestRouter<T> {
  readonly #root: RouteNode<T>;

  private constructor(root: RouteNode<T>) {
    this.#root = root;
  }

  /** Builds the tree once per deployment. Throws on a path AWS would not have accepted. */
  static build<T>(routes: Iterable<RouteDefinition<T>>): RestRouter<T> {
    const root = newNode<T>();
    for (const route of routes) {
      let node = root;
      const parts = route.path.split('/').filter((part) => part !== '');
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i];
        if (part.startsWith('{') && part.endsWith('+}')) {
          if (i !== parts.length - 1) throw new Error(`greedy path variable must be last: ${route.path}`);
          node.greedyName = part.slice(1, -2);
          node = node.greedyNode ??= newNode<T>();
        } else if (part.startsWith('{') && part.endsWith('}')) {
          node.paramName = part.slice(1, -1);
          node = node.paramNode ??= newNode<T>();
        } else {
          let index = node.staticKeys.indexOf(part);
          if (index === -1) {
            index = node.staticKeys.push(part) - 1;
            node.staticNodes.push(newNode<T>());
          }
          node = node.staticNodes[index];
        }
      }
      const methods = (node.methods ??= Object.create(null) as Record<string, T>);
      for (const verb of Object.keys(route.methods)) methods[verb] = route.methods[verb];
    }
    finish(root);
    return new RestRouter(root);
  }

  /**
   * Finds the value for `method` on `path` (the raw resource path after the stage, starting
   * with '/', percent-encoding kept). Path parameters are written into `params`; nothing else
   * is allocated beyond the segment strings used as parameter values.
   */
  match(method: string, path: string, params: Record<string, string>): T | undefined {
    if (!ANY_VERBS.has(method)) return undefined;
    let end = path.length;
    while (end > 0 && path.charCodeAt(end - 1) === 47 /* '/' */) end--;
    return find(this.#root, path, 0, end, method, params);
  }
}

function finish<T>(node: RouteNode<T>): void {
  if (node.staticKeys.length > LINEAR_SCAN_MAX) {
    node.staticMap = new Map(node.staticKeys.map((key, i) => [key, node.staticNodes[i]]));
  }
  for (const child of node.staticNodes) finish(child);
  if (node.paramNode) finish(node.paramNode);
  if (node.greedyNode) finish(node.greedyNode);
}

function methodOf<T>(node: RouteNode<T>, method: string): T | undefined {
  const methods = node.methods;
  if (methods === undefined) return undefined;
  // An exact verb on the resource wins over its ANY (recorded in LocalStack's AWS snapshots).
  return methods[method] ?? methods.ANY;
}

/**
 * Depth-first search in AWS's priority order. `pos` is the index of the '/' before the next
 * segment; `pos >= end` means the whole path is consumed. Backtracks when a more specific
 * branch has no resource with the method (the `/part1/random-value` → `/{param+}` and
 * `OPTIONS /test` → `/{proxy+}` cases).
 */
function find<T>(node: RouteNode<T>, path: string, pos: number, end: number, method: string, params: Record<string, string>): T | undefined {
  if (pos >= end) return methodOf(node, method);
  const start = pos + 1;
  let stop = path.indexOf('/', start);
  if (stop === -1 || stop > end) stop = end;
  const length = stop - start;

  if (length > 0) {
    let child: RouteNode<T> | undefined;
    if (node.staticMap !== undefined) {
      child = node.staticMap.get(path.slice(start, stop));
    } else {
      const keys = node.staticKeys;
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        if (key.length === length && path.startsWith(key, start)) {
          child = node.staticNodes[i];
          break;
        }
      }
    }
    if (child !== undefined) {
      const found = find(child, path, stop, end, method, params);
      if (found !== undefined) return found;
    }
    if (node.paramNode !== undefined) {
      const found = find(node.paramNode, path, stop, end, method, params);
      if (found !== undefined) {
        params[node.paramName!] = path.slice(start, stop);
        return found;
      }
    }
  }
  if (node.greedyNode !== undefined && end > start) {
    const found = methodOf(node.greedyNode, method);
    if (found !== undefined) {
      // Raw: repeated slashes and percent-encoding are kept (AWS-recorded).
      params[node.greedyName!] = path.slice(start, end);
      return found;
    }
  }
  return undefined;
}
