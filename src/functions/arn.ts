// Function identifiers as Lambda accepts them (Lambda API reference, "FunctionName"): a name,
// a partial ARN (`123456789012:function:name`) or a full ARN, each optionally qualified
// (`my-function:v1`, `…:function:name:3`); and the function ARN inside an API Gateway Lambda integration URI
// (`arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations`).

export interface FunctionLocator {
  name: string;
  qualifier: string | undefined;
  region: string | undefined;
  accountId: string | undefined;
}

// The pattern of the Lambda API model's FunctionName shape, anchored.
const FUNCTION_NAME = /^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?(?:([a-z]{2}(?:-gov)?-[a-z]+-\d):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9_-]+)(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/;

export const FUNCTION_NAME_PATTERN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';

/** Undefined when `value` is not a function name, partial ARN or ARN. */
export function parseFunctionName(value: string): FunctionLocator | undefined {
  const m = FUNCTION_NAME.exec(value);
  if (m === null) return undefined;
  return { region: m[1], accountId: m[2], name: m[3], qualifier: m[4] };
}

const INTEGRATION_URI = /^arn:aws[a-zA-Z-]*:apigateway:[^:]*:lambda:path\/2015-03-31\/functions\/(.+)\/invocations$/;

/** The function ARN (possibly holding `${stageVariables.x}`) of a Lambda integration URI. */
export function functionOfIntegrationUri(uri: string): string | undefined {
  return INTEGRATION_URI.exec(uri)?.[1];
}

const STAGE_VARIABLE = /\$\{stageVariables\.([A-Za-z0-9_]+)\}/g;

/** A function reference with `${stageVariables.x}` substituted, compiled once. */
export class FunctionReference {
  readonly #parts: readonly string[];
  readonly #variables: readonly string[];
  /** The reference without variables (the common case), else undefined. */
  readonly constant: string | undefined;

  private constructor(parts: string[], variables: string[]) {
    this.#parts = parts;
    this.#variables = variables;
    this.constant = variables.length === 0 ? parts[0] : undefined;
  }

  static compile(reference: string): FunctionReference {
    const parts: string[] = [];
    const variables: string[] = [];
    let last = 0;
    for (const m of reference.matchAll(STAGE_VARIABLE)) {
      parts.push(reference.slice(last, m.index));
      variables.push(m[1]);
      last = m.index! + m[0].length;
    }
    parts.push(reference.slice(last));
    return new FunctionReference(parts, variables);
  }

  resolve(stageVariables: Readonly<Record<string, string>>): string {
    if (this.constant !== undefined) return this.constant;
    let out = this.#parts[0];
    for (let i = 0; i < this.#variables.length; i++) out += (stageVariables[this.#variables[i]] ?? '') + this.#parts[i + 1];
    return out;
  }
}
