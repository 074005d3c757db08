// What the compiler produces for HTTP APIs: a frozen CompiledHttpDeployment per deployment
// snapshot (the route table, per route its integration and authorization, CORS) and, per
// stage, a CompiledHttpStage holding each route's plan (throttle, steps). The HTTP API twin of
// ../types.ts; the data plane tells the two apart by `kind`.
import type { HttpApi, HttpAuthorizer, PayloadFormatVersion } from '../../model/http-api.js';
import type { HttpRouter } from '../../routing/http-router.js';
import type { StepList } from '../../data-plane/pipeline/step.js';
import type { HttpContext, HttpRoutedContext } from '../../data-plane/http-api/http-context.js';
import type { Integration } from '../../integrations/types.js';
import type { FunctionReference } from '../../functions/arn.js';
import type { UriTemplate } from '../uri-template.js';
import type { JwtAuthorizerConfig } from '../../auth/jwt-authorizer.js';
import type { IdentitySource } from '../../auth/identity-sources.js';
import type { CompiledHttpLambdaAuthorizer } from '../../data-plane/http-api/lambda-authorizer.js';
import type { CompiledCors } from '../../data-plane/http-api/cors.js';
import type { CompiledRequestMapping, CompiledResponseMapping } from '../http-parameter-mapping.js';

export interface HttpIntegrationPlan {
  readonly type: 'AWS_PROXY' | 'HTTP_PROXY';
  readonly payloadFormatVersion: PayloadFormatVersion;
  /** HTTP_PROXY: the method sent; undefined (ANY) → the request's. */
  readonly method: string | undefined;
  /** HTTP_PROXY: the URL, `{param}` and `${stageVariables.x}` filled per request. */
  readonly uri: UriTemplate | undefined;
  /** AWS_PROXY: the function. */
  readonly functionRef: FunctionReference | undefined;
  readonly timeoutMs: number;
  readonly requestMapping: CompiledRequestMapping | undefined;
  readonly responseMapping: CompiledResponseMapping | undefined;
  /** Who calls the endpoint. */
  readonly dispatcher: Integration | undefined;
}

/** A route of a deployment, the same in every stage. */
export interface CompiledHttpRoute {
  readonly index: number;
  readonly routeId: string;
  readonly routeKey: string;
  /** The route's path as written (`/pets/{id}`), or `$default`. */
  readonly routePath: string;
  /** The name of the route's `{name+}` variable, if it has one. */
  readonly greedyName: string | undefined;
  /** `integrations/{id}`, or undefined for a route without a target. */
  readonly target: string | undefined;
  readonly integration: HttpIntegrationPlan | undefined;
  /** Why the route cannot be served (a 500 with this reason in the request log), when it cannot. */
  readonly configurationError: string | undefined;
  readonly authorizationType: 'NONE' | 'JWT' | 'AWS_IAM' | 'CUSTOM';
  readonly authorizer: Readonly<HttpAuthorizer> | undefined;
  readonly authorizationScopes: readonly string[];
  /** A JWT route's issuer, audiences and where its token is read from. */
  readonly jwt: { readonly config: JwtAuthorizerConfig; readonly source: IdentitySource } | undefined;
  /** A CUSTOM route's Lambda (REQUEST) authorizer, compiled once per deployment. */
  readonly lambdaAuthorizer: CompiledHttpLambdaAuthorizer | undefined;
}

/** A route as one stage runs it. */
export interface HttpRoutePlan extends CompiledHttpRoute {
  readonly throttle: { readonly bucket: string; readonly limits: { readonly rate: number; readonly burst: number } };
  readonly steps: StepList<HttpRoutedContext>;
}

export interface CompiledHttpDeployment {
  readonly kind: 'http';
  readonly apiId: string;
  readonly deploymentId: string;
  readonly api: Readonly<HttpApi>;
  readonly router: HttpRouter<CompiledHttpRoute>;
  readonly routes: readonly CompiledHttpRoute[];
  readonly cors: CompiledCors | undefined;
  /** The `$default` route has an authorizer: preflights it would take are not answered by CORS. */
  readonly authorizedDefaultRoute: boolean;
}

export interface CompiledHttpStage {
  readonly kind: 'http';
  readonly apiId: string;
  readonly stageName: string;
  readonly deploymentId: string;
  readonly deployment: CompiledHttpDeployment;
  readonly variables: Readonly<Record<string, string>>;
  /** The steps before a route is known (body, CORS preflight, route). */
  readonly steps: StepList<HttpContext>;
  /** Each route's plan, by CompiledHttpRoute.index. */
  readonly routes: readonly HttpRoutePlan[];
}
