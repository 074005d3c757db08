// IAM policy documents as API Gateway evaluates them for `execute-api` — a Lambda authorizer's
// returned policy, a REST API's resource policy, a caller's identity policies
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html,
// https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies.html):
// a statement applies when its action, resource, principal and conditions all match; an
// explicit Deny wins over any Allow; with neither the answer is silent (an implicit deny).
// Parsed once (a deployment's resource policy, a cached authorizer result), evaluated per request.
// Wildcards: `*` any run of characters and `?` one, within one colon-separated part of an ARN
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).
import { BlockList, isIP } from 'node:net';

export type Decision = 'allow' | 'deny' | 'silent';

/** Who is asking: no one (`anonymous`), or an AWS principal (IAM callers). */
export type Principal = { readonly kind: 'anonymous' } | { readonly kind: 'aws'; readonly arn: string; readonly account: string };

export interface EvaluationRequest {
  readonly action: string;
  /** The resource ARN, e.g. `arn:aws:execute-api:us-east-1:123456789012:abc/dev/GET/pets`. */
  readonly resource: string;
  /** Resource policies name principals; an authorizer's or identity policy has none. */
  readonly principal?: Principal;
  /** Condition keys (`aws:SourceIp`, `aws:UserAgent`, …) → the request's values; absent keys have none. */
  readonly context?: Readonly<Record<string, string | undefined>>;
}

export class MalformedPolicyError extends Error {
  override readonly name: string = 'MalformedPolicyError';
}

/** A well-formed policy using a condition operator Archway does not evaluate (yet). */
export class UnsupportedConditionError extends MalformedPolicyError {
  override readonly name: string = 'UnsupportedConditionError';
}

type Matcher = (value: string) => boolean;

interface Statement {
  readonly keys: readonly string[];
  readonly effect: 'Allow' | 'Deny';
  readonly actions: Matcher;
  readonly resources: Matcher;
  /** Undefined: the statement names no principal (identity and authorizer policies). */
  readonly principal: ((principal: Principal) => boolean) | undefined;
  readonly conditions: readonly ((context: Readonly<Record<string, string | undefined>>) => boolean)[];
}

const list = (value: unknown, what: string): string[] => {
  const values = Array.isArray(value) ? value : [value];
  if (values.length === 0 || !values.every((v) => typeof v === 'string')) throw new MalformedPolicyError(`${what} must be a string or a list of strings`);
  return values as string[];
};

/** A glob's regular-expression body: `*` any run of `anyChar`, `?` one. */
const globBody = (pattern: string, anyChar: string): string =>
  pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', `${anyChar}*`).replaceAll('?', anyChar);

/** A glob within one part: `*` any run, `?` one character. */
function glob(pattern: string, ignoreCase = false): RegExp {
  return new RegExp(`^${globBody(pattern, '.')}$`, ignoreCase ? 'is' : 's');
}

/**
 * An ARN pattern (`arn:partition:service:region:account:resource`) as one expression: `?` is one
 * character and `*` any run within its segment; the resource part may hold colons. A pattern
 * that stops before the resource part and ends with `*` covers the rest of the ARN, colons and
 * all (IAM User Guide, "Using wildcards in resource ARNs": a `*` ending a segment may match
 * beyond the colon boundaries,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html),
 * so `arn:aws:execute-api:*` covers every API. A `*` in a middle segment stays within it: let it
 * span, and `…:*:*:api1/*` would match another API whose path holds `:api1/`. `*` alone
 * matches any ARN.
 */
function arnMatcher(pattern: string): Matcher {
  if (pattern === '*') return () => true;
  const parts = pattern.split(':');
  const segments = parts.slice(0, 5).map((part) => globBody(part, '[^:]'));
  if (parts.length > 5) segments.push(globBody(parts.slice(5).join(':'), '.'));
  else if (pattern.endsWith('*')) segments[segments.length - 1] = `${globBody(parts[parts.length - 1]!.slice(0, -1), '[^:]')}.*`;
  const re = new RegExp(`^${segments.join(':')}$`, 's');
  return (arn) => re.test(arn);
}

function anyOf(matchers: Matcher[]): Matcher {
  return (value) => matchers.some((match) => match(value));
}

function positiveOrNot(statement: Record<string, unknown>, key: 'Action' | 'Resource', build: (pattern: string) => Matcher): Matcher {
  const positive = statement[key];
  const negative = statement[`Not${key}`];
  if ((positive === undefined) === (negative === undefined)) throw new MalformedPolicyError(`a statement needs exactly one of ${key} and Not${key}`);
  const matcher = anyOf(list(positive ?? negative, key).map(build));
  return positive !== undefined ? matcher : (value) => !matcher(value);
}

function principalMatcher(value: unknown): (principal: Principal) => boolean {
  if (value === '*') return () => true;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new MalformedPolicyError('Principal must be "*" or {"AWS": …}');
  const aws = (value as Record<string, unknown>).AWS;
  if (aws === undefined) throw new MalformedPolicyError('only AWS principals apply to execute-api');
  const names = list(aws, 'Principal.AWS');
  if (names.includes('*')) return () => true;
  return (principal) => principal.kind === 'aws'
    && names.some((name) => name === principal.arn || name === principal.account || name === `arn:aws:iam::${principal.account}:root`);
}

/** Condition operators API Gateway's keys use (IP, string, date, boolean); `…IfExists` passes when the key is absent. */
function conditionTest(operator: string, key: string, expected: string[]): (context: Readonly<Record<string, string | undefined>>) => boolean {
  // Null: whether the key is absent ("true") or present ("false").
  if (operator === 'Null') return (context) => expected.some((e) => (e.toLowerCase() === 'true') === (context[key] === undefined));
  const ifExists = operator.endsWith('IfExists');
  const op = ifExists ? operator.slice(0, -'IfExists'.length) : operator;
  const test = valueTest(op, expected);
  return (context) => {
    const actual = context[key];
    if (actual === undefined) return ifExists || op.startsWith('Not') || op === 'StringNotEquals' || op === 'StringNotLike';
    return test(actual);
  };
}

function valueTest(op: string, expected: string[]): (actual: string) => boolean {
  switch (op) {
    case 'StringEquals':
      return (actual) => expected.includes(actual);
    case 'StringNotEquals':
      return (actual) => !expected.includes(actual);
    case 'StringEqualsIgnoreCase':
      return (actual) => expected.some((e) => e.toLowerCase() === actual.toLowerCase());
    case 'StringLike': {
      const res = expected.map((e) => glob(e));
      return (actual) => res.some((re) => re.test(actual));
    }
    case 'StringNotLike': {
      const res = expected.map((e) => glob(e));
      return (actual) => !res.some((re) => re.test(actual));
    }
    case 'IpAddress':
    case 'NotIpAddress': {
      const blocks = blockList(expected);
      return op === 'IpAddress' ? (actual) => inBlocks(blocks, actual) : (actual) => !inBlocks(blocks, actual);
    }
    case 'ArnEquals':
    case 'ArnLike': {
      const matchers = expected.map(arnMatcher);
      return (actual) => matchers.some((match) => match(actual));
    }
    case 'ArnNotEquals':
    case 'ArnNotLike': {
      const matchers = expected.map(arnMatcher);
      return (actual) => !matchers.some((match) => match(actual));
    }
    case 'Bool':
      return (actual) => expected.some((e) => e.toLowerCase() === actual.toLowerCase());
    default: {
      const compare = COMPARISONS[op.replace(/^(Numeric|Date)/, '')];
      if (compare === undefined || !/^(Numeric|Date)/.test(op)) throw new UnsupportedConditionError(`condition operator ${op} is not supported`);
      const read = op.startsWith('Numeric') ? numberOf : dateOf;
      const limits = expected.map(read);
      return (actual) => {
        const value = read(actual);
        return op.endsWith('NotEquals') ? limits.every((limit) => compare(value, limit)) : limits.some((limit) => compare(value, limit));
      };
    }
  }
}

/** Numeric… and Date… operators, by their suffix. */
const COMPARISONS: Readonly<Record<string, (value: number, limit: number) => boolean>> = {
  Equals: (v, l) => v === l,
  NotEquals: (v, l) => v !== l,
  LessThan: (v, l) => v < l,
  LessThanEquals: (v, l) => v <= l,
  GreaterThan: (v, l) => v > l,
  GreaterThanEquals: (v, l) => v >= l,
};

function numberOf(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || Number.isNaN(n)) throw new MalformedPolicyError(`${text} is not a number`);
  return n;
}

function dateOf(text: string): number {
  const at = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text);
  if (Number.isNaN(at)) throw new MalformedPolicyError(`${text} is not a date`);
  return at;
}

/** CIDR blocks (IPv4 and IPv6) as node's BlockList checks them. */
function blockList(cidrs: string[]): BlockList {
  const blocks = new BlockList();
  for (const cidr of cidrs) {
    const [address, bits] = cidr.split('/');
    const family = isIP(address);
    if (family === 0) throw new MalformedPolicyError(`${cidr} is not an IP address or CIDR block`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) blocks.addAddress(address, type);
    else blocks.addSubnet(address, Number(bits), type);
  }
  return blocks;
}

function inBlocks(blocks: BlockList, address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return blocks.check(address, family === 4 ? 'ipv4' : 'ipv6') || (family === 6 && address.startsWith('::ffff:') && blocks.check(address.slice(7), 'ipv4'));
}

function conditionsOf(condition: unknown): Statement['conditions'] {
  if (condition === undefined) return [];
  if (condition === null || typeof condition !== 'object') throw new MalformedPolicyError('Condition must be an object');
  const tests: Statement['conditions'][number][] = [];
  for (const [operator, keys] of Object.entries(condition)) {
    if (keys === null || typeof keys !== 'object') throw new MalformedPolicyError(`Condition ${operator} must map keys to values`);
    for (const [key, values] of Object.entries(keys as Record<string, unknown>)) tests.push(conditionTest(operator, key, list(values, `${operator}.${key}`)));
  }
  return tests;
}

function statementOf(raw: unknown): Statement {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new MalformedPolicyError('a statement must be an object');
  const statement = raw as Record<string, unknown>;
  const effect = statement.Effect;
  if (effect !== 'Allow' && effect !== 'Deny') throw new MalformedPolicyError('Effect must be Allow or Deny');
  const condition = statement.Condition;
  const keys = condition !== null && typeof condition === 'object' ? Object.values(condition).flatMap((byKey) => (byKey !== null && typeof byKey === 'object' ? Object.keys(byKey) : [])) : [];
  return {
    keys,
    effect,
    actions: positiveOrNot(statement, 'Action', (pattern) => {
      const re = glob(pattern, true);
      return (action) => re.test(action);
    }),
    resources: positiveOrNot(statement, 'Resource', arnMatcher),
    principal: statement.Principal === undefined ? undefined : principalMatcher(statement.Principal),
    conditions: conditionsOf(statement.Condition),
  };
}

export class PolicyDocument {
  /** The condition keys its statements read: a caller builds only these per request. */
  readonly conditionKeys: ReadonlySet<string>;

  private constructor(readonly statements: readonly Statement[]) {
    this.conditionKeys = new Set(statements.flatMap((statement) => statement.keys));
  }

  /** Parses a policy (its JSON text or the object); throws MalformedPolicyError when it is not one. */
  static parse(document: unknown): PolicyDocument {
    let parsed = document;
    if (typeof document === 'string') {
      try {
        parsed = JSON.parse(document);
      } catch {
        throw new MalformedPolicyError('the policy is not valid JSON');
      }
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new MalformedPolicyError('the policy must be an object');
    const statements = (parsed as Record<string, unknown>).Statement;
    if (statements === undefined) throw new MalformedPolicyError('the policy has no Statement');
    return new PolicyDocument(Object.freeze((Array.isArray(statements) ? statements : [statements]).map(statementOf)));
  }

  evaluate(request: EvaluationRequest): Decision {
    let allowed = false;
    const context = request.context ?? {};
    for (const statement of this.statements) {
      if (!statement.actions(request.action) || !statement.resources(request.resource)) continue;
      if (statement.principal !== undefined && (request.principal === undefined || !statement.principal(request.principal))) continue;
      if (!statement.conditions.every((test) => test(context))) continue;
      if (statement.effect === 'Deny') return 'deny';
      allowed = true;
    }
    return allowed ? 'allow' : 'silent';
  }
}
