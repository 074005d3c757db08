// Mapping templates of REST non-proxy integrations: compile once, render per request with $input,
// $util, $context (and its requestOverride/responseOverride), $stageVariables (AWS Developer Guide
// "API Gateway mapping template and access logging variable reference", "Use a mapping template
// to override an API's request and response parameters and status codes"; reference §1–§4).
// Engine: velocityjs, subclassed where AWS's Velocity differs (value printing, #foreach, errors).
import { Compile, parse } from 'velocityjs';
import { InputVariables, type RequestParams } from './input-variables.js';
import { copyData, isJavaMap, javaMethodHandler, newJavaMap, printValue, type JavaMap } from './java-compat.js';
import { util } from './util-functions.js';
import { RenderBudget, TemplateBudgetError } from './render-budget.js';
import { TemplateError } from './template-error.js';
import { LIMITS } from '../options/limits.js';

export { TemplateError };

/** AWS quota "mapping template size": 300 KB, counted here in UTF-8 bytes of the source. */
export const MAX_TEMPLATE_BYTES = 300 * 1024;
/**
 * AWS quota "#foreach iterations": 1000. Past it the loop stops silently, as Velocity does with its
 * `directive.foreach.maxloops` setting (how AWS enforces the quota is unverified); `$foreach.hasNext`
 * still reports the remaining items, as Java's iterator would. Every loop of a render also counts
 * toward its budget (render-budget.ts).
 */
export const MAX_FOREACH_ITERATIONS = 1000;

export interface TemplateInput {
  /** Payload as text ('' when empty); binary payloads already base64 by the caller. */
  body: string;
  params: RequestParams;
  /** The $context tree; never mutated (the template works on a copy). */
  context: Record<string, unknown>;
  stageVariables: Record<string, string>;
}

export interface TemplateResult {
  output: string;
  requestOverride: { header: Record<string, string>; path: Record<string, string>; querystring: Record<string, string> };
  /**
   * `status` only when the template set an integer 100–599 (a number or a string of digits);
   * `others`: any other keys it set (a MOCK request template passes them on, AWS-recorded).
   */
  responseOverride: { header: Record<string, string>; status?: number; others?: Record<string, string> };
}

// velocityjs's parse output: its types say flat nodes, but blocks (#if, #foreach...) are arrays.
type Ast = ReturnType<typeof parse>[number];
interface AstNode {
  type?: string;
  value?: unknown;
  isEval?: boolean;
  pos?: { first_line: number };
}
interface ForeachNode {
  from: Ast;
  to: string;
}
interface ArrayNode {
  isRange?: boolean;
  value: unknown[];
}

function lineOf(node: unknown): number | undefined {
  return (node as AstNode | undefined)?.pos?.first_line;
}

// ---- parsing (compile time only) ----

/**
 * velocityjs accepts an unclosed block (and renders its body twice) and silently drops everything
 * after a stray #end. Appending this marker tells both apart: it must come back as trailing text
 * of the top level, and in no block. It starts with `~` so that no reference absorbs it.
 */
const EOF_MARK = '~~archway-eof~~';
const BLOCK_WORDS = /#\{?(if|foreach|macro|define|noescape|end)\b|#@/g;

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Line of the first #end that closes nothing (a scan of directive words; comments not excluded). */
function strayEndLine(text: string): number | undefined {
  let depth = 0;
  for (const m of text.matchAll(BLOCK_WORDS)) {
    depth += m[1] === 'end' ? -1 : 1;
    if (depth < 0) return lineAt(text, m.index);
  }
  return undefined;
}

function syntaxError(error: unknown, text: string, lineOffset: number): TemplateError {
  const hash = (error as { hash?: { line?: number; loc?: { first_line: number } } }).hash;
  const line = hash?.loc?.first_line ?? (hash?.line ?? 0) + 1;
  const where = text.split('\n')[line - 1]?.replace(EOF_MARK, '').trim() ?? '';
  return new TemplateError(`syntax error in "${where}"`, line + lineOffset);
}

/** Parses `text` (a template, or a double-quoted string inside one starting on line lineOffset+1). */
function parseChecked(text: string, lineOffset: number): Ast[] {
  let asts: unknown[];
  try {
    asts = parse(text + EOF_MARK);
  } catch (error) {
    throw syntaxError(error, text, lineOffset);
  }
  const open = asts.find((node): node is AstNode[] => Array.isArray(node) && JSON.stringify(node).includes(EOF_MARK.slice(1)));
  if (open) throw new TemplateError(`#${open[0].type} has no #end`, (lineOf(open[0]) ?? 1) + lineOffset);

  const tail = asts[asts.length - 1] as AstNode | string;
  if (typeof tail === 'object' && tail.type === 'comment' && String(tail.value).endsWith(EOF_MARK)) return asts as Ast[];
  // The marker may have been lexed as several strings ("~", "~archway-eof~~"): gather the tail text.
  let start = asts.length;
  let tailText = '';
  while (start > 0 && typeof asts[start - 1] === 'string' && tailText.length < EOF_MARK.length) tailText = asts[--start] + tailText;
  if (!tailText.endsWith(EOF_MARK)) {
    const line = strayEndLine(text);
    throw new TemplateError('#end without an opening #if, #foreach, #macro or #define', line === undefined ? undefined : line + lineOffset);
  }
  const kept = tailText.slice(0, -EOF_MARK.length);
  asts.splice(start, asts.length - start, ...(kept === '' ? [] : [kept]));
  return asts as Ast[];
}

/**
 * Parses every double-quoted string literal that interpolates (`"$x"`, `"#if..."`) ahead of time,
 * so rendering never parses; their positions are shifted to lines of the whole template.
 */
function parseStrings(node: unknown, strings: Map<string, Ast[]>, line: number, lineOffset: number): void {
  if (Array.isArray(node)) {
    for (const child of node) parseStrings(child, strings, line, lineOffset);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const ast = node as AstNode;
  if (ast.pos) line = ast.pos.first_line += lineOffset;
  const value = ast.value;
  if (ast.type === 'string' && ast.isEval && typeof value === 'string' && /[$#]/.test(value) && !strings.has(value)) {
    const inner = parseChecked(value, line - 1);
    strings.set(value, inner);
    parseStrings(inner, strings, line, line - 1);
  }
  for (const [key, child] of Object.entries(ast)) if (key !== 'pos') parseStrings(child, strings, line, lineOffset);
}

// ---- rendering ----

let loopIds = 0;
const NO_MACROS: Record<string, never> = Object.freeze(Object.create(null) as Record<string, never>);

/** What #foreach iterates: a list, or a map's values (Java Velocity); anything else, nothing. */
function loopItems(source: unknown): unknown[] {
  if (Array.isArray(source)) return source;
  return isJavaMap(source) ? Object.values(source) : [];
}

/** velocityjs with AWS's printing and #foreach, pre-parsed strings and error lines. One engine per
 * compiled template, reused by every render (renders are synchronous, so never interleaved). */
class TemplateEngine extends Compile {
  /** Line of the statement being evaluated, for error messages. */
  line: number | undefined;
  readonly #strings: ReadonlyMap<string, Ast[]>;
  readonly budget: RenderBudget;

  constructor(asts: Ast[], strings: ReadonlyMap<string, Ast[]>, budget: RenderBudget) {
    // Every string a method returns counts toward the budget (concat, replaceAll, $util...).
    super(asts, { customMethodHandlers: [{ ...javaMethodHandler, resolve: (call) => budget.result(javaMethodHandler.resolve(call)) }] });
    this.#strings = strings;
    this.budget = budget;
  }

  /** Renders with `variables` as the root; resets what a previous render (or its exception) left. */
  override render(variables: Record<string, unknown>): string {
    this.context = variables;
    this.macros = NO_MACROS;
    this.silence = false;
    this.conditions = [];
    this.local = {};
    this.contextId = '';
    this.runState = { stop: false, break: false };
    this.line = undefined;
    return this.renderAstList();
  }

  /** velocityjs's statement loop, plus: #break stops the rest of the block (velocityjs went on
   * rendering it), and the line of each statement is kept for error messages. */
  override renderAstList(asts: Ast[] = this.asts, contextId?: string): string {
    if (contextId) {
      if (contextId !== this.contextId && !this.conditions.includes(contextId)) this.conditions.unshift(contextId);
      this.contextId = contextId;
    } else this.contextId = '';
    let output = '';
    const budget = this.budget;
    for (const ast of asts) {
      if (this.runState.break) break;
      // What a block added was counted inside it; the rest is new text.
      let piece: string;
      if (typeof ast === 'string') piece = ast;
      else {
        this.line = lineOf(Array.isArray(ast) ? ast[0] : ast) ?? this.line;
        if (Array.isArray(ast)) {
          output += this.getBlock(ast);
          budget.grow(0, output.length);
          continue;
        }
        if (ast.type === 'references') piece = this.getReferences(ast, true);
        else if (ast.type === 'macro_call') piece = this.getMacro(ast);
        else if (ast.type === 'raw') piece = String(ast.value);
        else {
          if (ast.type === 'set') this.setValue(ast);
          else if (ast.type === 'break') this.runState.break = true;
          continue;
        }
      }
      output += piece;
      budget.grow(piece.length, output.length);
    }
    return output;
  }

  /** velocityjs builds a range `[a..b]` whole, so `[1..$n]` with a large n aborted the process. A
   * range is only iterated, and #foreach stops at MAX_FOREACH_ITERATIONS: it holds its first
   * MAX_FOREACH_ITERATIONS + 1 numbers, so that `$foreach.hasNext` still says more follow. */
  getArray(literal: ArrayNode): unknown[] {
    if (literal.isRange !== true) return literal.value.map((exp) => this.getLiteral(exp as Ast) as unknown);
    const [begin, end] = literal.value.map((exp) => Math.trunc(Number(typeof exp === 'object' ? this.getReferences(exp as Ast) : exp)));
    if (!Number.isFinite(begin) || !Number.isFinite(end)) return [];
    const step = begin <= end ? 1 : -1;
    const size = Math.min(Math.abs(end - begin) + 1, MAX_FOREACH_ITERATIONS + 1);
    return Array.from({ length: size }, (_, i) => begin + i * step);
  }

  // velocityjs types a reference's value as string; it is any value until it is printed (isVal).
  protected override getReferences(ast: Ast, isVal?: boolean): string {
    const value: unknown = super.getReferences(ast, false);
    return (isVal ? printValue(value) : value) as string;
  }

  protected override evalStr(source: string): string {
    // compile() parsed every string literal of the template; the fallback covers one it missed.
    return this.renderAstList(this.#strings.get(source) ?? parseChecked(source, (this.line ?? 1) - 1), this.contextId);
  }

  /** Replaces velocityjs's #foreach (called by its getBlock): AWS's iteration cap, map values,
   * and its loop variables `$foreach.index/count/hasNext/first/last` and `$velocityCount`. */
  getBlockEach(block: Ast[]): string {
    const head = block[0] as unknown as ForeachNode;
    const items = loopItems(this.getLiteral(head.from) as unknown);
    const body = block.slice(1);
    const contextId = `foreach:${++loopIds}`;
    const local: Record<string, unknown> = {};
    this.local[contextId] = local;
    const count = Math.min(items.length, MAX_FOREACH_ITERATIONS);
    let output = '';
    for (let i = 0; i < count && !this.runState.break; i++) {
      this.budget.iterate();
      local[head.to] = items[i];
      local.foreach = { index: i, count: i + 1, hasNext: i + 1 < items.length, first: i === 0, last: i + 1 === items.length };
      local.velocityCount = i + 1;
      output += this.renderAstList(body, contextId);
    }
    this.runState.break = false;
    delete this.local[contextId];
    this.conditions = this.conditions.filter((id) => id !== contextId);
    this.contextId = this.conditions[0] ?? '';
    return output;
  }
}

// ---- $context and overrides ----

/** A copy of the caller's $context with the override maps the template may #set into. */
function templateContext(context: Record<string, unknown>): JavaMap {
  const copy = copyData(context) as JavaMap;
  const request = isJavaMap(copy.requestOverride) ? copy.requestOverride : newJavaMap();
  const response = isJavaMap(copy.responseOverride) ? copy.responseOverride : newJavaMap();
  for (const key of ['header', 'path', 'querystring']) if (!isJavaMap(request[key])) request[key] = newJavaMap();
  if (!isJavaMap(response.header)) response.header = newJavaMap();
  copy.requestOverride = request;
  copy.responseOverride = response;
  return copy;
}

/** The values a template set, printed; unset (null) values are left out. */
function stringMap(value: unknown): Record<string, string> {
  if (!isJavaMap(value)) return {};
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => [k, printValue(v)]),
  );
}

function overrideStatus(value: unknown): number | undefined {
  const status = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599 ? status : undefined;
}

function overrides(context: unknown): Omit<TemplateResult, 'output'> {
  const ctx = isJavaMap(context) ? context : {};
  const request = isJavaMap(ctx.requestOverride) ? ctx.requestOverride : {};
  const response = isJavaMap(ctx.responseOverride) ? ctx.responseOverride : {};
  const status = overrideStatus(response.status);
  const { header, status: _status, ...rest } = response;
  const others = stringMap(rest);
  const responseOverride: TemplateResult['responseOverride'] = { header: stringMap(header) };
  if (status !== undefined) responseOverride.status = status;
  if (Object.keys(others).length > 0) responseOverride.others = others;
  return {
    requestOverride: { header: stringMap(request.header), path: stringMap(request.path), querystring: stringMap(request.querystring) },
    responseOverride,
  };
}

export class MappingTemplate {
  readonly #engine: TemplateEngine;
  /** Characters of output the 10 MB payload limit allows at most (a UTF-8 byte is at most one). */
  static readonly DEFAULT_MAX_OUTPUT = LIMITS.maxResponseBodyBytes;

  private constructor(engine: TemplateEngine) {
    this.#engine = engine;
  }

  /** Parses once; a syntax error or an oversized template throws a TemplateError. */
  static compile(source: string): MappingTemplate {
    const bytes = Buffer.byteLength(source, 'utf8');
    if (bytes > MAX_TEMPLATE_BYTES) {
      throw new TemplateError(`template is ${bytes} bytes, over the ${MAX_TEMPLATE_BYTES}-byte (300 KB) limit`);
    }
    const asts = parseChecked(source, 0);
    const strings = new Map<string, Ast[]>();
    parseStrings(asts, strings, 1, 0);
    return new MappingTemplate(new TemplateEngine(asts, strings, new RenderBudget()));
  }

  /**
   * Renders; a runtime failure (a Java exception, invalid JSON in $util.parseJson...) throws a
   * TemplateError, and a render past its budget (render-budget.ts; output over `maxOutputBytes`)
   * a TemplateBudgetError.
   */
  render(input: TemplateInput, maxOutputBytes: number = MappingTemplate.DEFAULT_MAX_OUTPUT): TemplateResult {
    const variables: Record<string, unknown> = {
      input: new InputVariables(input.body, input.params),
      util,
      context: templateContext(input.context),
      stageVariables: copyData(input.stageVariables),
    };
    let output: string;
    try {
      this.#engine.budget.start(maxOutputBytes);
      output = this.#engine.render(variables);
      // The budget counts characters; a character is up to 3 bytes of UTF-8.
      if (output.length * 3 > maxOutputBytes && Buffer.byteLength(output) > maxOutputBytes) {
        throw new TemplateBudgetError(`output over the ${maxOutputBytes}-byte payload limit`);
      }
    } catch (error) {
      if (error instanceof TemplateError) throw error;
      throw new TemplateError(error instanceof Error ? error.message : String(error), this.#engine.line);
    }
    return { output, ...overrides(variables.context) };
  }
}
