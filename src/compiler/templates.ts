// Mapping templates compiled once per deployment
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/integration-passthrough-behaviors.html):
// the per-content-type set of a request or response, with AWS's selection rules. A template with no
// `$` or `#` is constant and never goes through the VTL engine; one that fails to compile is kept
// as a template that fails at render time, so one bad template does not block a deployment.
import { MappingTemplate, type TemplateInput, type TemplateResult } from '../vtl/index.js';

export interface CompiledTemplate {
  /** Renders within the render budget, its output capped at `maxOutputBytes` (the payload limit). */
  render(input: TemplateInput, maxOutputBytes?: number): TemplateResult;
  /** The output when the template is constant (no VTL), else undefined. */
  readonly constantOutput: string | undefined;
  /** The same as bytes (shared by every request; never mutated). */
  readonly constantBuffer: Buffer | undefined;
}

class ConstantTemplate implements CompiledTemplate {
  readonly #result: TemplateResult;
  readonly constantBuffer: Buffer;

  constructor(readonly constantOutput: string) {
    this.constantBuffer = Buffer.from(constantOutput);
    this.#result = Object.freeze({
      output: constantOutput,
      requestOverride: Object.freeze({ header: {}, path: {}, querystring: {} }),
      responseOverride: Object.freeze({ header: {} }),
    }) as TemplateResult;
  }

  render(): TemplateResult {
    return this.#result;
  }
}

class VtlTemplate implements CompiledTemplate {
  readonly constantOutput = undefined;
  readonly constantBuffer = undefined;
  constructor(readonly template: MappingTemplate) {}
  render(input: TemplateInput, maxOutputBytes?: number): TemplateResult {
    return this.template.render(input, maxOutputBytes);
  }
}

class BrokenTemplate implements CompiledTemplate {
  readonly constantOutput = undefined;
  readonly constantBuffer = undefined;
  constructor(readonly error: Error) {}
  render(): TemplateResult {
    throw this.error;
  }
}

export function compileTemplate(source: string): CompiledTemplate {
  if (!source.includes('$') && !source.includes('#')) return new ConstantTemplate(source);
  try {
    return new VtlTemplate(MappingTemplate.compile(source));
  } catch (error) {
    return new BrokenTemplate(error instanceof Error ? error : new Error(String(error)));
  }
}

/**
 * Templates keyed by lower-case media type; `null` marks passthrough for that type (a template
 * that is null or the empty string).
 */
export class TemplateSet {
  readonly #byType: ReadonlyMap<string, CompiledTemplate | null>;
  readonly #first: readonly [string, CompiledTemplate | null];

  private constructor(byType: Map<string, CompiledTemplate | null>) {
    this.#byType = byType;
    this.#first = byType.entries().next().value as [string, CompiledTemplate | null];
  }

  /** Undefined when there is no template at all (so no template step is planned). */
  static compile(templates: Readonly<Record<string, string | null>> | undefined): TemplateSet | undefined {
    if (templates === undefined) return undefined;
    const byType = new Map<string, CompiledTemplate | null>();
    for (const [type, source] of Object.entries(templates)) {
      byType.set(type.trim().toLowerCase(), source === null || source === '' ? null : compileTemplate(source));
    }
    return byType.size === 0 ? undefined : new TemplateSet(byType);
  }

  /** Exact lookup: a template, null (passthrough entry) or undefined (no entry). */
  get(mediaType: string): CompiledTemplate | null | undefined {
    return this.#byType.get(mediaType);
  }

  /**
   * Response-side choice: the Accept type, else application/json, else the first template.
   * Returns the content type the client will see with it.
   */
  forResponse(accept: string | undefined): [string, CompiledTemplate | null] {
    if (accept !== undefined) {
      const byAccept = this.#byType.get(accept);
      if (byAccept !== undefined) return [accept, byAccept];
    }
    const json = this.#byType.get('application/json');
    if (json !== undefined) return ['application/json', json];
    return [this.#first[0], this.#first[1]];
  }
}
