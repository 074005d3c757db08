// `$util` in mapping templates: exactly AWS's six functions (AWS Developer Guide "API Gateway
// mapping template and access logging variable reference", `$util` variables; reference §3).
// Any other `$util.x()` answers undefined and prints nothing, as on AWS (reference §1).
// A null argument gives null (nothing printed), like the Java utilities AWS wraps; other
// non-string arguments are converted with printValue.
import { parseJsonOrUndefined } from './json-path.js';
import { printValue } from './java-compat.js';

const NAMED_ESCAPES: Readonly<Record<string, string>> = {
  "'": "\\'",
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};
/** Characters Apache Commons StringEscapeUtils.escapeJavaScript rewrites: the named ones above,
 * other controls below 0x20 and everything above 0x7e except DEL, per UTF-16 unit. */
// eslint-disable-next-line no-control-regex
const JS_ESCAPED = /['"\\/\u0000-\u001f\u0080-\uffff]/g;

/** Java's URLEncoder leaves `a-zA-Z0-9.-*_` alone; encodeURIComponent also leaves these five. */
const URI_COMPONENT_EXTRAS = /[!'()~]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const PERCENT_RUN = /(?:%[0-9a-fA-F]{2})+/g;
const BAD_PERCENT = /%(?![0-9a-fA-F]{2})/;

function text(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : printValue(value);
}

class UtilFunctions {
  /** JavaScript string escaping (Commons Lang escapeJavaScript): `'` → `\'`, `/` → `\/`, é → `\u00E9`. */
  escapeJavaScript(value: unknown): string | undefined {
    return text(value)?.replace(
      JS_ESCAPED,
      (c) => NAMED_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
    );
  }

  /** Parses stringified JSON into a map/list/value; invalid JSON is an error, as on AWS. */
  parseJson(value: unknown): unknown {
    const source = text(value);
    if (source === undefined) return undefined;
    const parsed = parseJsonOrUndefined(source);
    if (parsed === undefined) throw new SyntaxError(`$util.parseJson: invalid JSON`);
    return parsed;
  }

  /** application/x-www-form-urlencoded, like java.net.URLEncoder (space → `+`, lone surrogate → `?`). */
  urlEncode(value: unknown): string | undefined {
    return text(value)
      ?.replace(LONE_SURROGATE, '?')
      .split(' ')
      .map((part) => encodeURIComponent(part).replace(URI_COMPONENT_EXTRAS, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
      .join('+');
  }

  /** Inverse of urlEncode, like java.net.URLDecoder: `+` → space, `%XX` runs decoded as UTF-8. */
  urlDecode(value: unknown): string | undefined {
    const source = text(value);
    if (source === undefined) return undefined;
    if (BAD_PERCENT.test(source)) throw new URIError(`$util.urlDecode: malformed escape in "${source}"`);
    return source
      .replaceAll('+', ' ')
      .replace(PERCENT_RUN, (run) => Buffer.from(run.replaceAll('%', ''), 'hex').toString('utf8'));
  }

  /** Base64 of the UTF-8 bytes. */
  base64Encode(value: unknown): string | undefined {
    const source = text(value);
    return source === undefined ? undefined : Buffer.from(source, 'utf8').toString('base64');
  }

  /** Base64 → UTF-8 text. Lenient like Commons Codec: characters outside the alphabet are skipped. */
  base64Decode(value: unknown): string | undefined {
    const source = text(value);
    return source === undefined ? undefined : Buffer.from(source, 'base64').toString('utf8');
  }
}

/** Stateless: one instance serves every render. */
export const util = new UtilFunctions();
