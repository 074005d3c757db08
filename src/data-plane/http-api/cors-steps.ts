// CORS of HTTP APIs (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html):
// with a `corsConfiguration`, API Gateway answers preflight requests itself, before routing
// (no OPTIONS route needed), and puts its own CORS headers on every other answer, dropping the
// backend's. One exception, documented by AWS: a preflight that would reach an authorized
// `$default` route goes to it (and its authorizer) unless another route takes OPTIONS for the
// path (an unauthenticated `OPTIONS /{proxy+}`). The rules live in cors.ts; these are the steps
// that apply them.
import type { Step } from '../pipeline/step.js';
import type { HttpContext } from './http-context.js';
import { DEFAULT_KEY } from '../../model/http-api.js';

export const corsPreflight: Step<HttpContext> = {
  name: 'cors-preflight',
  run(ctx) {
    const deployment = ctx.stage.deployment;
    const cors = deployment.cors;
    if (cors === undefined) return;
    const answer = cors.preflight(ctx.httpMethod, (name) => ctx.header(name));
    if (answer === undefined) return;
    if (deployment.authorizedDefaultRoute && deployment.router.match(ctx.httpMethod, ctx.path)?.routeKey === DEFAULT_KEY) return;
    ctx.response = { statusCode: answer.statusCode, headers: answer.headers, body: Buffer.alloc(0) };
  },
};

/** A response step: CORS headers on the integration's answer (errors get theirs in the error step). */
export const corsHeaders: Step<HttpContext> = {
  name: 'cors-headers',
  run(ctx) {
    const cors = ctx.stage.deployment.cors;
    const response = ctx.response;
    if (cors !== undefined && response !== undefined && ctx.error === undefined) cors.decorate(ctx.header('origin'), response.headers);
  },
};
