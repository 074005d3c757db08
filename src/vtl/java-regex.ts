// java.util.regex for mapping templates (`matches`, `replaceAll`, `replaceFirst`, `split`) and
// integration-response selection patterns, with a bounded cost: one request must not stall the
// event loop that serves every API (a backtracking engine took 10 s on `(a+)+$` against 32
// characters). A pattern RE2 accepts runs on re2js (a port of RE2/J: linear time in the input,
// Java's syntax and replacement rules). The rest (backreferences, lookaround, possessive
// quantifiers) runs on JavaScript's RegExp, whose cost is only bounded by refusing subjects over
// BACKTRACKING_SUBJECT_MAX characters: such a pattern does not match a longer selection value,
// and a template method applying it to a longer string fails. A literal pattern (`"`, `,`, `\n`)
// cannot backtrack: it runs on RegExp at any length, many times faster than re2js on large
// bodies with many matches.
import { RE2JS } from 're2js';

/** Subject length a backtracking (non-RE2) pattern is applied to at most. */
export const BACKTRACKING_SUBJECT_MAX = 1024;

export interface JavaPattern {
  /** Whether the pattern matches the whole input (Java `String.matches`). */
  matches(s: string): boolean;
  /** Whether the pattern matches anywhere in the input (`Matcher.find`; JSON Schema's `pattern`). */
  find(s: string): boolean;
  /** Runs in time linear in its input (RE2, or a literal); false for the bounded backtracking fallback. */
  readonly linear: boolean;
  replaceAll(s: string, replacement: string): string;
  replaceFirst(s: string, replacement: string): string;
  split(s: string, limit: number): string[];
}

export class RegexSubjectTooLongError extends Error {
  constructor(pattern: string, length: number) {
    super(`the pattern "${pattern}" needs backtracking (no linear-time form) and is applied to at most ${BACKTRACKING_SUBJECT_MAX} characters, not ${length}`);
    this.name = 'RegexSubjectTooLongError';
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

  readonly linear: boolean;

  constructor(readonly source: string, readonly maxSubject = BACKTRACKING_SUBJECT_MAX) {
    this.linear = maxSubject === Infinity;
    const inline = INLINE_FLAGS.exec(source);
    const body = inline ? source.slice(inline[0].length) : source;
    const flags = inline?.[1] ?? '';
    this.#global = new RegExp(body, `g${flags}`);
    this.#first = new RegExp(body, flags);
    // Anchors that ignore the m flag: nothing before, nothing after (Java's matches() is whole-input).
    this.#whole = new RegExp(`(?<![\\s\\S])(?:${body})(?![\\s\\S])`, flags);
  }

  /** The subject, when short enough to bound the backtracking. */
  #bounded(s: string): string {
    if (s.length > this.maxSubject) throw new RegexSubjectTooLongError(this.source, s.length);
    return s;
  }

  matches(s: string): boolean {
    return this.#whole.test(this.#bounded(s));
  }
  find(s: string): boolean {
    return this.#first.test(this.#bounded(s));
  }
  replaceAll(s: string, replacement: string): string {
    return this.#bounded(s).replace(this.#global, javaReplacement(replacement));
  }
  replaceFirst(s: string, replacement: string): string {
    return this.#bounded(s).replace(this.#first, javaReplacement(replacement));
  }
  split(s: string, limit: number): string[] {
    return javaSplit(this.#bounded(s), this.#global, limit);
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
    if (LITERAL.test(source)) pattern = new BacktrackingPattern(source, Infinity);
    else {
      try {
        pattern = new Re2Pattern(RE2JS.compile(source));
      } catch {
        pattern = new BacktrackingPattern(source);
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
