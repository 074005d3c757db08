// Deployment snapshot → frozen CompiledDeployment (docs/architecture.md): the route table and,
// per method, the integration's templates, selection patterns, parameter mappings, uri and
// dispatcher, compiled once. A stage (compileStage) adds, per method, the effective method
// settings and the steps in AWS order; a stage change reuses the compiled deployment.
import type { Integration, Method, MethodSetting, RestApiDefinition, StageRecord } from '../model/rest-api.js';
import { LIMITS } from '../options/limits.js';
import { RestRouter, type RouteDefinition } from '../routing/rest-router.js';
import { planMethodSteps, REST_STAGE_STEPS } from '../data-plane/pipeline/rest-pipeline.js';
import type { IntegrationRegistry } from '../integrations/index.js';
import { effectiveMethodSetting } from './method-settings.js';
import { BinaryMediaTypes } from './binary-media-types.js';
import { compileGatewayResponses } from './gateway-responses.js';
import { compileRequestParameters, compileResponseParameters } from './parameter-mapping.js';
import { compileSelectionPattern } from './selection-pattern.js';
import { TemplateSet } from './templates.js';
import { UriTemplate } from './uri-template.js';
import { FunctionReference, functionOfIntegrationUri } from '../functions/arn.js';
import { ModelSchemas } from './model-schemas.js';
import { apiArn, compileResourcePolicy } from '../auth/resource-policy.js';
import { compileRequestValidation, type RequestValidation } from './request-validation.js';
import { compileLambdaAuthorizer, type CompiledLambdaAuthorizer } from './authorizers.js';
import { compileCognitoAuthorizer, type CognitoAuthorizerPlan } from './cognito-authorizer.js';
import type { UserPoolVerifier } from '../auth/user-pool-verifier.js';
import type { CompiledDeployment, CompiledIntegrationResponse, CompiledMethod, CompiledStage, IntegrationPlan, MethodPlan } from './types.js';

export interface CompileOptions {
  /** Region and account in the API's ARNs (resource policies); default us-east-1 and 000000000000. */
  region?: string;
  accountId?: string;
  /** Used when an integration has no timeoutInMillis (AWS default 29 000 ms). */
  defaultTimeoutMs?: number;
  /** Where each integration's dispatcher comes from; without it, integrations answer 500. */
  integrations?: IntegrationRegistry;
  /** Told of the user pools COGNITO_USER_POOLS methods use, to warn of those with no issuer. */
  userPools?: Pick<UserPoolVerifier, 'checkMapped'>;
  /** The account's throttle, which HTTP API routes without route settings are held to. */
  account?: { rate: number; burst: number };
}

export function compileDeployment(snapshot: RestApiDefinition, deploymentId: string, options: CompileOptions = {}): CompiledDeployment {
  const arn = apiArn(options.region ?? 'us-east-1', options.accountId ?? '000000000000', snapshot.api.id);
  const routes: RouteDefinition<CompiledMethod>[] = [];
  const methods = new Map<string, Readonly<Record<string, CompiledMethod>>>();
  let methodCount = 0;
  // The API's models as validators, built only when a method validates a body.
  let schemas: ModelSchemas | undefined;
  const modelSchemas = () => (schemas ??= new ModelSchemas(snapshot.api.id, snapshot.models));
  // Each Lambda authorizer compiled once, shared by its methods.
  const authorizers = new Map<string, CompiledLambdaAuthorizer>();
  const lambdaAuthorizerOf = (method: Method): CompiledLambdaAuthorizer | undefined => {
    const id = method.authorizerId;
    if (method.authorizationType !== 'CUSTOM' || id === undefined) return undefined;
    const authorizer = snapshot.authorizers !== undefined && Object.hasOwn(snapshot.authorizers, id) ? snapshot.authorizers[id] : undefined;
    if (authorizer === undefined || authorizer.type === 'COGNITO_USER_POOLS') return undefined;
    let compiled = authorizers.get(id);
    if (compiled === undefined) authorizers.set(id, (compiled = compileLambdaAuthorizer(authorizer, options.integrations)));
    return compiled;
  };
  for (const resource of Object.values(snapshot.resources)) {
    const byVerb: Record<string, CompiledMethod> = {};
    for (const [verb, method] of Object.entries(resource.resourceMethods ?? {})) {
      if (method === undefined) continue;
      const validation = compileRequestValidation(method, snapshot, modelSchemas);
      const cognito = compileCognitoAuthorizer(method, snapshot.authorizers);
      if (cognito !== undefined) options.userPools?.checkMapped(cognito.poolIds, `authorizer ${cognito.authorizerName} of API ${snapshot.api.id}`);
      byVerb[verb] = compileMethod(methodCount++, resource.id, resource.path, verb, method, { validation, cognito, lambdaAuthorizer: lambdaAuthorizerOf(method) }, options);
    }
    Object.freeze(byVerb);
    methods.set(resource.id, byVerb);
    if (Object.keys(byVerb).length > 0) routes.push({ path: resource.path, methods: byVerb });
  }
  return Object.freeze({
    kind: 'rest',
    apiId: snapshot.api.id,
    deploymentId,
    api: Object.freeze({ ...snapshot.api }),
    router: RestRouter.build(routes),
    methods,
    methodCount,
    gatewayResponses: compileGatewayResponses(snapshot.gatewayResponses),
    binaryMediaTypes: new BinaryMediaTypes(snapshot.api.binaryMediaTypes),
    apiArn: arn,
    resourcePolicy: compileResourcePolicy(snapshot.api.policy, arn),
  });
}

function compileMethod(
  index: number, resourceId: string, resourcePath: string, verb: string, method: Method,
  checks: {
    validation: RequestValidation | undefined;
    cognito: CognitoAuthorizerPlan | undefined;
    lambdaAuthorizer: CompiledLambdaAuthorizer | undefined;
  },
  options: CompileOptions,
): CompiledMethod {
  const integration = method.methodIntegration === undefined ? undefined : compileIntegration(method, method.methodIntegration, options);
  return Object.freeze({ index, resourceId, resourcePath, httpMethod: verb, method, integration, ...checks });
}

function compileIntegration(method: Method, integration: Integration, options: CompileOptions): IntegrationPlan {
  const patternResponses: CompiledIntegrationResponse[] = [];
  let defaultResponse: CompiledIntegrationResponse | undefined;
  // Record keys that are status codes iterate in ascending order: the "first match" order.
  for (const response of Object.values(integration.integrationResponses ?? {})) {
    const hasPattern = response.selectionPattern !== undefined && response.selectionPattern !== '';
    const compiled: CompiledIntegrationResponse = Object.freeze({
      statusCode: response.statusCode,
      pattern: hasPattern ? compileSelectionPattern(response.selectionPattern!) : undefined,
      headers: Object.freeze(compileResponseParameters(response.responseParameters)),
      templates: TemplateSet.compile(response.responseTemplates),
      contentHandling: response.contentHandling,
    });
    if (!hasPattern) defaultResponse ??= compiled;
    // A pattern that is not a valid expression never matches.
    else if (compiled.pattern !== undefined) patternResponses.push(compiled);
  }
  const proxy = integration.type === 'HTTP_PROXY' || integration.type === 'AWS_PROXY';
  const insecureTls = integration.tlsConfig?.insecureSkipVerification === true;
  return Object.freeze({
    type: integration.type,
    httpMethod: integration.httpMethod,
    uri: integration.uri !== undefined && (integration.type === 'HTTP' || integration.type === 'HTTP_PROXY') ? UriTemplate.compile(integration.uri) : undefined,
    functionRef: lambdaFunctionOf(integration),
    requestParameters: Object.freeze(compileRequestParameters(integration.requestParameters)),
    // Proxy integrations never use templates.
    requestTemplates: proxy ? undefined : TemplateSet.compile(integration.requestTemplates),
    passthroughBehavior: integration.passthroughBehavior ?? 'WHEN_NO_MATCH',
    contentHandling: proxy ? undefined : integration.contentHandling,
    timeoutMs: integration.timeoutInMillis > 0 ? integration.timeoutInMillis : options.defaultTimeoutMs ?? LIMITS.defaultIntegrationTimeoutMs,
    patternResponses: Object.freeze(patternResponses),
    defaultResponse,
    insecureTls,
    methodResponses: new Map(Object.values(method.methodResponses ?? {}).map((response) => [response.statusCode, response])),
    dispatcher: options.integrations?.dispatcherFor(integration.type, { insecureTls }),
  });
}

function lambdaFunctionOf(integration: Integration): FunctionReference | undefined {
  if ((integration.type !== 'AWS' && integration.type !== 'AWS_PROXY') || integration.uri === undefined) return undefined;
  const arn = functionOfIntegrationUri(integration.uri);
  return arn === undefined ? undefined : FunctionReference.compile(arn);
}

/** A stage of a compiled deployment: per method, its effective settings and its steps. */
export function compileStage(deployment: CompiledDeployment, stage: Pick<StageRecord, 'stageName' | 'deploymentId' | 'variables' | 'methodSettings' | 'tracingEnabled'>): CompiledStage {
  const methodSettings = Object.freeze({ ...(stage.methodSettings ?? {}) }) as Readonly<Record<string, MethodSetting>>;
  const methods: MethodPlan[] = new Array<MethodPlan>(deployment.methodCount);
  for (const byVerb of deployment.methods.values()) {
    for (const method of Object.values(byVerb)) {
      const settings = effectiveMethodSetting(methodSettings, method.resourcePath, method.httpMethod);
      const stageThrottle = Object.freeze({
        bucket: `stage:${deployment.apiId}:${stage.stageName}:${method.resourcePath}/${method.httpMethod}`,
        limits: Object.freeze({ rate: settings.throttlingRateLimit, burst: settings.throttlingBurstLimit }),
      });
      methods[method.index] = Object.freeze({ ...method, settings, stageThrottle, steps: planMethodSteps(method, settings, deployment.resourcePolicy !== undefined) });
    }
  }
  return Object.freeze({
    kind: 'rest',
    apiId: deployment.apiId,
    stageName: stage.stageName,
    apiStage: `${deployment.apiId}/${stage.stageName}`,
    deploymentId: deployment.deploymentId,
    deployment,
    // Prototype-less, so that `${stageVariables.constructor}` is an unset variable, not Object.
    variables: Object.freeze(Object.assign(Object.create(null) as Record<string, string>, stage.variables)),
    methodSettings,
    tracingEnabled: stage.tracingEnabled ?? false,
    steps: REST_STAGE_STEPS,
    methods: Object.freeze(methods),
  });
}
