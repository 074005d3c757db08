// java.util.regex for mapping templates (`matches`, `replaceAll`, `replaceFirst`, `split`) and
// integration-response selection patterns, with a bounded cost: one request must not stall the
// event loop that serves every API (a backtracking engine took 10 s on `(a+)+$` against 32
// characters). A pattern RE2 accepts runs on re2js (a port of RE2/J: linear time in the input,
// Java's syntax and replacement rules). The rest (backreferences, lookaround, possessive
// quantifiers) runs on JavaScript's RegExp, each operation within MAX_BACKTRACKING_MS: V8
// interrupts a running RegExp when a `vm` script's timeout passes (a watchdog thread), so the
// operation runs as the task of a one-line script with that timeout. A literal pattern (`"`,
// `,`, `\n`) cannot backtrack: it runs on RegExp directly, many times faster than re2js on large
// bodies with many matches.
import { Script, createContext } from 'node:vm';
import { RE2JS } from 're2js';

/** Time one operation of a backtracking (non-RE2) pattern may take. */
export const MAX_BACKTRACKING_MS = 50;

export interface JavaPattern {
  /** Whether the pattern matches the whole input (Java `String.matches`). */
  matches(s: string): boolean;
  /** Whether the pattern matches anywhere in the input (`Matcher.find`; JSON Schema's `pattern`). */
  find(s: string): boolean;
  /** Runs in time linear in its input (RE2, or a literal); false for the time-limited backtracking fallback. */
  readonly linear: boolean;
  replaceAll(s: string, replacement: string): string;
  replaceFirst(s: string, replacement: string): string;
  split(s: string, limit: number): string[];
}

export class RegexTimeoutError extends Error {
  constructor(pattern: string) {
    super(`the pattern "${pattern}" needs backtracking (no linear-time form) and took more than ${MAX_BACKTRACKING_MS} ms`);
    this.name = 'RegexTimeoutError';
  }
}

const sandbox = createContext({ task: undefined as (() => unknown) | undefined });
const runTask = new Script('task()');

/** Runs `work` (a backtracking pattern's operation), interrupted past MAX_BACKTRACKING_MS. */
function timeLimited<T>(source: string, work: () => T): T {
  sandbox.task = work;
  try {
    return runTask.runInContext(sandbox, { timeout: MAX_BACKTRACKING_MS }) as T;
  } catch (error) {
    if ((error as { code?: unknown } | undefined)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new RegexTimeoutError(source);
    throw error;
  } finally {
    sandbox.task = undefined;
  }
}

class Re2Pattern implements JavaPattern {
  readonly linear = true;
  constructor(readonly re: RE2JS) {}
  matches(s: string): boolean {
    return this.re.matches(s);
  }
  find(s: string): boolean {
    return this.re.matcher(s).find();
  }
  // javaReplacement only checks the replacement here, so both engines word its errors alike.
  replaceAll(s: string, replacement: string): string {
    javaReplacement(replacement);
    return this.re.matcher(s).replaceAll(replacement, true);
  }
  replaceFirst(s: string, replacement: string): string {
    javaReplacement(replacement);
    return this.re.matcher(s).replaceFirst(replacement, true);
  }
  split(s: string, limit: number): string[] {
    return this.re.split(s, limit);
  }
}

/** Java regex on JS RegExp: leading inline flags `(?i)`, `(?s)`, `(?m)` become JS flags; other
 * Java-only syntax (possessive quantifiers, \Q..\E, POSIX \p{Alpha}) is not translated. */
class BacktrackingPattern implements JavaPattern {
  readonly #global: RegExp;
  readonly #first: RegExp;
  readonly #whole: RegExp;

  /** A literal runs directly; any other pattern within MAX_BACKTRACKING_MS per operation. */
  constructor(readonly source: string, readonly linear: boolean) {
    const inline = INLINE_FLAGS.exec(source);
    const body = inline ? source.slice(inline[0].length) : source;
    const flags = inline?.[1] ?? '';
    this.#global = new RegExp(body, `g${flags}`);
    this.#first = new RegExp(body, flags);
    // Anchors that ignore the m flag: nothing before, nothing after (Java's matches() is whole-input).
    this.#whole = new RegExp(`(?<![\\s\\S])(?:${body})(?![\\s\\S])`, flags);
  }

  #run<T>(work: () => T): T {
    try {
      return this.linear ? work() : timeLimited(this.source, work);
    } finally {
      // An interrupted global replace leaves lastIndex mid-string, and matchAll (split) starts from it.
      this.#global.lastIndex = 0;
    }
  }

  matches(s: string): boolean {
    return this.#run(() => this.#whole.test(s));
  }
  find(s: string): boolean {
    return this.#run(() => this.#first.test(s));
  }
  replaceAll(s: string, replacement: string): string {
    return this.#run(() => s.replace(this.#global, javaReplacement(replacement)));
  }
  replaceFirst(s: string, replacement: string): string {
    return this.#run(() => s.replace(this.#first, javaReplacement(replacement)));
  }
  split(s: string, limit: number): string[] {
    return this.#run(() => javaSplit(s, this.#global, limit));
  }
}

const INLINE_FLAGS = /^\(\?([ism]+)\)/;
/** Characters and escapes both engines read as literals: no quantifier, group, class or anchor. */
const LITERAL = /^(?:[^\\.*+?{}()|[\]^$]|\\[^A-Za-z0-9]|\\[nrt])+$/;
const cache = new Map<string, JavaPattern>();
const CACHE_MAX = 256;

/** Compiles (cached) a Java regular expression; a SyntaxError when neither engine accepts it. */
export function javaPattern(source: string): JavaPattern {
  let pattern = cache.get(source);
  if (pattern === undefined) {
    if (LITERAL.test(source)) pattern = new BacktrackingPattern(source, true);
    else {
      try {
        pattern = new Re2Pattern(RE2JS.compile(source));
      } catch {
        pattern = new BacktrackingPattern(source, false);
      }
    }
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(source, pattern);
  }
  return pattern;
}

/** Java replacement syntax (`$1`, `${name}`, `\$` escapes) → JS replacement syntax (`$1`, `$<name>`, `$$`). */
function javaReplacement(replacement: string): string {
  let out = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i];
    if (c === '\\') {
      if (++i === replacement.length) throw new SyntaxError('character to be escaped is missing');
      out += replacement[i] === '$' ? '$$' : replacement[i];
    } else if (c === '$') {
      const named = /^\{([A-Za-z][A-Za-z0-9]*)\}/.exec(replacement.slice(i + 1));
      if (named) {
        out += `$<${named[1]}>`;
        i += named[0].length;
      } else if (/[0-9]/.test(replacement[i + 1] ?? '')) out += '$';
      else throw new SyntaxError(`illegal group reference in "${replacement}"`);
    } else out += c;
  }
  return out;
}

/** String.split(regex, limit): no leading empty string for a zero-width match at 0, and with
 * limit 0 trailing empty strings are dropped; no match gives the whole input. */
function javaSplit(s: string, regex: RegExp, limit: number): string[] {
  const parts: string[] = [];
  let start = 0;
  for (const m of s.matchAll(regex)) {
    if (limit > 0 && parts.length === limit - 1) break;
    if (m[0].length === 0 && m.index === 0) continue;
    parts.push(s.slice(start, m.index));
    start = m.index + m[0].length;
  }
  if (parts.length === 0) return [s];
  parts.push(s.slice(start));
  if (limit === 0) while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}
