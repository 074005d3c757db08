// The Java side of API Gateway's Velocity: methods templates call on values and how values print
// (AWS Developer Guide "Variables for data transformations for API Gateway",
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html).
// AWS runs Apache Velocity on Java objects: JSON objects are maps, JSON arrays are lists, and
// templates call java.lang.String / java.util.List / java.util.Map methods on them. velocityjs
// works on JS values, so every method call is routed here through its `customMethodHandlers` hook
// (one catch-all handler; velocityjs's built-ins never run).
//
// A method Java does not have answers undefined, which prints as nothing (see printValue): what
// AWS does for `$util.unknown()` (reference §1). Methods of our own host objects (`$input`,
// `$util`, map entries: class instances) are called as they are; plain data never runs JS methods.
// Java exceptions (index out of range, bad regex, ...) are thrown and become a TemplateError.
// Leniency, chosen here: arguments Java would reject by type are converted to strings.

import { javaPattern } from './java-regex.js';

export type JavaMap = Record<string, unknown>;

/** Plain data maps: JSON objects, VTL `{}` literals, the $context tree. */
export function isJavaMap(value: unknown): value is JavaMap {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A class instance we put in the template's reach ($input, $util, MapEntry). */
function isHostObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isJavaMap(value);
}

/** java.util.Map.Entry, as returned by `$map.entrySet()`: `$e.key`, `$e.getKey()`, prints `k=v`. */
class MapEntry {
  constructor(readonly key: string, readonly value: unknown) {}
  getKey(): string {
    return this.key;
  }
  getValue(): unknown {
    return this.value;
  }
  toString(): string {
    return `${this.key}=${printNested(this.value)}`;
  }
}

/**
 * How AWS prints a value into the output. Maps print Java-style `{a=1, b=[{"c":5}]}` and lists
 * print as JSON `["a","b"]`, as observed on AWS for `$input.path(...)` results (reference §1, via
 * LocalStack: JSON arrays are json-smart lists whose toString is JSON). We print every list as
 * JSON, VTL literals `[1, 2]` included (Java would print those `[1, 2]`): one rule, not two.
 * Strings print raw, booleans `true`/`false`, numbers as JS formats them (JSON `1.0` was parsed to
 * 1 and prints `1`, where Java would print `1.0`; integers beyond 2^53 lose precision).
 * null/undefined print as the empty string, for `$x` and `$!x` alike: Java Velocity would print a
 * plain `$x` literally, but API Gateway renders "" (LocalStack patches its engine to match AWS).
 */
export function printValue(value: unknown): string {
  if (value === undefined || value === null || typeof value === 'function') return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return JSON.stringify(value);
  if (isJavaMap(value)) return printMap(value);
  return String(value);
}

/** A value inside a map prints with its own toString: null is `null`, lists JSON, maps Java-style. */
function printNested(value: unknown): string {
  return value === undefined || value === null ? 'null' : printValue(value);
}

function printMap(map: JavaMap): string {
  const parts: string[] = [];
  for (const key of Object.keys(map)) parts.push(`${key}=${printNested(map[key])}`);
  return `{${parts.join(', ')}}`;
}

/** Java `equals` on data: value equality for primitives, element-wise for lists and maps. */
function javaEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => javaEquals(v, b[i]));
  if (!isJavaMap(a) || !isJavaMap(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && javaEquals(a[k], b[k]));
}

/** String arguments: Java would not resolve the method for a non-string; we convert instead. */
function str(value: unknown): string {
  return printValue(value);
}

/** An int argument, checked like Java's index checks (StringIndexOutOfBounds and friends). */
function index(value: unknown, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new RangeError(`index ${printValue(value)} out of range 0..${max}`);
  return n;
}

// ---- method tables ----

type JavaMethod<T> = (self: T, args: unknown[]) => unknown;
type MethodTable<T> = Readonly<Record<string, JavaMethod<T>>>;

const stringMethods = {
  length: (s) => s.length,
  isEmpty: (s) => s.length === 0,
  charAt: (s, [i]) => s.charAt(index(i, s.length - 1)),
  substring: (s, [from, to]) => {
    const end = to === undefined ? s.length : index(to, s.length);
    return s.substring(index(from, end), end);
  },
  contains: (s, [x]) => s.includes(str(x)),
  indexOf: (s, [x, from]) => s.indexOf(str(x), Number(from ?? 0)),
  lastIndexOf: (s, [x, from]) => s.lastIndexOf(str(x), from === undefined ? Infinity : Number(from)),
  startsWith: (s, [x, offset]) => s.startsWith(str(x), Number(offset ?? 0)),
  endsWith: (s, [x]) => s.endsWith(str(x)),
  concat: (s, [x]) => s + str(x),
  equalsIgnoreCase: (s, [x]) => typeof x === 'string' && s.toLowerCase() === x.toLowerCase(),
  toLowerCase: (s) => s.toLowerCase(),
  toUpperCase: (s) => s.toUpperCase(),
  // Java trims the chars <= ' ' (controls included), not Unicode spaces.
  // eslint-disable-next-line no-control-regex
  trim: (s) => s.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, ''),
  replace: (s, [a, b]) => s.replaceAll(str(a), () => str(b)), // literal, every occurrence
  // Regular expressions with a bounded cost (java-regex.ts).
  replaceAll: (s, [regex, rep]) => javaPattern(str(regex)).replaceAll(s, str(rep)),
  replaceFirst: (s, [regex, rep]) => javaPattern(str(regex)).replaceFirst(s, str(rep)),
  matches: (s, [regex]) => javaPattern(str(regex)).matches(s),
  split: (s, [regex, limit]) => javaPattern(str(regex)).split(s, Number(limit ?? 0)),
  hashCode: (s) => {
    let h = 0;
    for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
    return h;
  },
} satisfies MethodTable<string>;

const listMethods = {
  size: (l) => l.length,
  isEmpty: (l) => l.length === 0,
  get: (l, [i]) => l[index(i, l.length - 1)],
  contains: (l, [x]) => l.some((v) => javaEquals(v, x)),
  indexOf: (l, [x]) => l.findIndex((v) => javaEquals(v, x)),
  // add(x) returns true, so a bare `$list.add(1)` prints "true" as in Java; add(i, x) returns nothing.
  add: (l, args) => {
    if (args.length < 2) return l.push(args[0]) > 0;
    l.splice(index(args[0], l.length), 0, args[1]);
    return undefined;
  },
  // remove(int) removes at an index and returns the element; remove(Object) returns a boolean.
  remove: (l, [x]) => {
    if (typeof x === 'number') return l.splice(index(x, l.length - 1), 1)[0];
    const at = l.findIndex((v) => javaEquals(v, x));
    if (at !== -1) l.splice(at, 1);
    return at !== -1;
  },
} satisfies MethodTable<unknown[]>;

/** Sets an own property, `__proto__` included (plain assignment would change the prototype). */
function putEntry(map: JavaMap, key: string, value: unknown): void {
  Object.defineProperty(map, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * Map.get: an own entry, or what the map answers for a name that is not an Object.prototype
 * member. The second case lets a caller pass a view (e.g. a case-insensitive header Proxy).
 */
/** Deep copy of plain data (maps and lists); other values are shared. ~4x faster than
 * structuredClone on a $context-sized tree. Maps come out prototype-less, so that input keys
 * (JWT claims, header names) like `__proto__` or `constructor` are entries like any other. */
export function copyData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyData);
  if (!isJavaMap(value)) return value;
  const copy = newJavaMap();
  for (const key of Object.keys(value)) copy[key] = copyData(value[key]);
  return copy;
}

/** An empty map without a prototype (its every key is an entry). */
export function newJavaMap(): JavaMap {
  return Object.create(null) as JavaMap;
}

export function getEntry(map: JavaMap, key: unknown): unknown {
  const k = str(key);
  return Object.hasOwn(map, k) || !Object.hasOwn(Object.prototype, k) ? map[k] : undefined;
}

const mapMethods = {
  size: (m) => Object.keys(m).length,
  isEmpty: (m) => Object.keys(m).length === 0,
  get: (m, [k]) => getEntry(m, k),
  containsKey: (m, [k]) => getEntry(m, k) !== undefined,
  containsValue: (m, [v]) => Object.values(m).some((x) => javaEquals(x, v)),
  keySet: (m) => Object.keys(m),
  values: (m) => Object.values(m),
  entrySet: (m) => Object.keys(m).map((k) => new MapEntry(k, m[k])),
  put: (m, [k, v]) => {
    const previous = getEntry(m, k);
    putEntry(m, str(k), v);
    return previous;
  },
  putAll: (m, [other]) => {
    if (isJavaMap(other)) for (const k of Object.keys(other)) putEntry(m, k, other[k]);
    return undefined;
  },
  remove: (m, [k]) => {
    const previous = getEntry(m, k);
    delete m[str(k)];
    return previous;
  },
} satisfies MethodTable<JavaMap>;

const numberMethods = {
  intValue: (n) => Math.trunc(n),
  longValue: (n) => Math.trunc(n),
  doubleValue: (n) => n,
} satisfies MethodTable<number>;

/** java.lang.Object methods, for every value. */
const objectMethods = {
  toString: (v: unknown) => printValue(v),
  equals: (v, [x]) => javaEquals(v, x),
} satisfies MethodTable<unknown>;

function lookup<T>(table: MethodTable<T>, name: string): JavaMethod<T> | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

/** Calls Java method `name` on `target`; undefined when Java would have no such method. */
function callJavaMethod(target: unknown, name: string, args: unknown[]): unknown {
  if (isHostObject(target)) {
    const method = target[name];
    return typeof method === 'function' ? (method as (...a: unknown[]) => unknown).apply(target, args) : undefined;
  }
  let method: JavaMethod<never> | undefined;
  if (typeof target === 'string') method = lookup(stringMethods, name);
  else if (Array.isArray(target)) method = lookup(listMethods, name);
  else if (isJavaMap(target)) method = lookup(mapMethods, name);
  else if (typeof target === 'number') method = lookup(numberMethods, name);
  method ??= lookup(objectMethods, name);
  return method?.(target as never, args);
}

/** velocityjs `customMethodHandlers` entry that takes every method call. */
export const javaMethodHandler = {
  uid: 'archway: java methods',
  match: (): boolean => true,
  resolve: ({ property, context, params }: { property: string; context: unknown; params: unknown[] }): unknown =>
    callJavaMethod(context, property, params),
};
