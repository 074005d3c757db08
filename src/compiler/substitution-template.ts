// Gateway-response templates: simple `$context.*` / `$stageVariables.*` substitution, not VTL
// (AWS Developer Guide "Set up gateway responses",
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-gatewayResponse-definition.html).
// Forms accepted: `$context.error.messageString`, `${context.requestId}`, `$stageVariables.x`,
// `$stageVariables['x']`, `${stageVariables.x}`. Unknown references render empty.

type Part = string | { root: 'context' | 'stageVariables'; keys: string[] };

const REFERENCE = /\$\{(context|stageVariables)((?:\.[A-Za-z_$][\w$-]*|\['[^']*'\])*)\}|\$(context|stageVariables)((?:\.[A-Za-z_$][\w$]*|\['[^']*'\])*)/g;
const KEY = /\.([A-Za-z_$][\w$-]*)|\['([^']*)'\]/g;

export class SubstitutionTemplate {
  readonly #parts: readonly Part[];

  private constructor(parts: Part[]) {
    this.#parts = parts;
  }

  static compile(source: string): SubstitutionTemplate {
    const parts: Part[] = [];
    let last = 0;
    for (const match of source.matchAll(REFERENCE)) {
      if (match.index > last) parts.push(source.slice(last, match.index));
      const root = (match[1] ?? match[3]) as 'context' | 'stageVariables';
      const path = match[2] ?? match[4] ?? '';
      const keys = [...path.matchAll(KEY)].map((key) => key[1] ?? key[2]);
      parts.push({ root, keys });
      last = match.index + match[0].length;
    }
    if (last < source.length) parts.push(source.slice(last));
    return new SubstitutionTemplate(parts);
  }

  render(context: Record<string, unknown>, stageVariables: Readonly<Record<string, string>>): string {
    let out = '';
    for (const part of this.#parts) {
      if (typeof part === 'string') {
        out += part;
        continue;
      }
      let value: unknown = part.root === 'context' ? context : stageVariables;
      for (const key of part.keys) {
        value = value !== null && typeof value === 'object' && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
      }
      if (value === undefined || value === null) continue;
      out += typeof value === 'object' ? JSON.stringify(value) : String(value);
    }
    return out;
  }
}
