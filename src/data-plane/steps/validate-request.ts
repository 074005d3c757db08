// Request validation
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html):
// the required request parameters present and not blank, then the body against the model for its
// content type (`$default` when none matches; a request without Content-Type is JSON). Answers
// 400 `Missing required request parameters: [a, b]` (names as declared, in AWS's order) or
// `Invalid request body` (recorded in LocalStack's AWS snapshots); an empty body is checked as
// `{}` (a GET without a body fails a model with required properties, AWS-recorded).
import type { Step } from '../pipeline/step.js';
import type { RestRoutedContext } from '../pipeline/rest-context.js';
import type { RequestValidation } from '../../compiler/request-validation.js';
import { mediaTypeOf } from '../../compiler/binary-media-types.js';
import { ApiConfigurationError, BadRequestBodyError, BadRequestParametersError } from '../errors/gateway-error.js';

/**
 * `validationErrorString` comes escaped for a JSON string, as AWS's examples show it
 * (`"[object has missing required properties ([\"name\"])]"` inside a template's quotes).
 */
const jsonEscaped = (text: string): string => JSON.stringify(text).slice(1, -1);

const blank = (value: string | undefined): boolean => value === undefined || value.trim() === '';

function missingParameters(ctx: RestRoutedContext, validation: RequestValidation): string[] {
  const missing: string[] = [];
  for (const parameter of validation.requiredParameters) {
    let absent: boolean;
    switch (parameter.location) {
      case 'header':
        absent = blank(ctx.header(parameter.lowerName));
        break;
      case 'path':
        absent = blank(ctx.pathParams[parameter.name]);
        break;
      case 'querystring': {
        const values = ctx.query.multi[parameter.name];
        absent = values === undefined || values.every(blank);
        break;
      }
    }
    if (absent) missing.push(parameter.name);
  }
  return missing;
}

function checkBody(ctx: RestRoutedContext, validation: RequestValidation): void {
  const checks = validation.bodyChecks;
  if (checks === undefined) return;
  const check = checks.get(mediaTypeOf(ctx.header('content-type')) ?? 'application/json') ?? checks.get('$default');
  if (check === undefined) return;
  if (typeof check !== 'function') throw new ApiConfigurationError(undefined, { reason: check.broken });
  let body: unknown;
  try {
    body = ctx.body.length === 0 ? {} : JSON.parse(ctx.body.toString('utf8'));
  } catch (error) {
    throw new BadRequestBodyError(undefined, { validationError: jsonEscaped(`[${(error as Error).message}]`) }); // text unverified
  }
  const problems = check(body, ctx.body.length);
  if (problems !== undefined) throw new BadRequestBodyError(undefined, { validationError: jsonEscaped(problems) });
}

export const validateRequest: Step<RestRoutedContext> = {
  name: 'validate-request',
  run(ctx) {
    const validation = ctx.plan.validation;
    if (validation === undefined) return;
    const missing = missingParameters(ctx, validation);
    if (missing.length > 0) {
      const message = `Missing required request parameters: [${missing.join(', ')}]`;
      throw new BadRequestParametersError(message, { validationError: message }); // validationErrorString unverified
    }
    checkBody(ctx, validation);
  },
};
