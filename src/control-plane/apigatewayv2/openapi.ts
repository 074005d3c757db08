// ImportApi, ReimportApi and ExportApi: an HTTP API as an OpenAPI 3 document, in and out
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-open-api.html,
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-export.html). The document
// is the `body` member of a JSON request, and ExportApi answers the document itself; status codes
// from apigatewayv2's model (201, 201, 200). ImportApi creates the API as CreateApi does;
// ReimportApi "overwrites the configuration of an existing API" (the model's words): its routes,
// integrations, authorizers and the document's API settings, keeping its id and stages. The
// reading is in src/openapi/http-api/; every part it reads then goes through the checks
// CreateRoute, CreateIntegration and CreateAuthorizer make.
import { badRequest } from '../../aws/errors.js';
import { checkCorsConfiguration } from '../../data-plane/http-api/cors.js';
import type { HttpApi, HttpApiDefinition, HttpIntegration, HttpStage } from '../../model/http-api.js';
import { parseBasePathMode, type BasePathMode } from '../../openapi/basepath.js';
import { attempt, ImportProblems } from '../../openapi/document.js';
import { renderExport } from '../../openapi/export.js';
import { exportHttpApi } from '../../openapi/http-api/export.js';
import { IMPORT_EXPORT_VERSION, importHttpApi, x, type ImportedHttpApi } from '../../openapi/http-api/import.js';
import type { OperationDefinition, OperationRequest } from '../route-table.js';
import { CUSTOM_ID_TAG } from '../apigateway/rest-apis.js';
import { apiOut, createHttpApi, type NewApiFields, type NewApiOptions } from './apis.js';
import { checkAuthorizer, MAX_AUTHORIZERS } from './authorizers.js';
import {
  apiEndpoint, deploymentNotFound, mutateApi, newAuthorizerId, newIntegrationId, newRouteId, readApi, required, stageNotFound, type ApiGatewayV2Context,
} from './context.js';
import { checkIntegration } from './integrations.js';
import { checkAuthorization, checkRouteKey, checkRouteTable } from './routes.js';

export interface DocumentOptions {
  failOnWarnings: boolean;
  basepath?: BasePathMode;
}

const NEW_ID = { route: newRouteId, integration: newIntegrationId, authorizer: newAuthorizerId };

/**
 * Reads the document (AWS variables resolved) and checks what it defines as the Create
 * operations would; each refusal is an import error, reported together as AWS reports them.
 */
export function readHttpApiDocument(ctx: ApiGatewayV2Context, body: string | Uint8Array, options: DocumentOptions): ImportedHttpApi {
  const imported = importHttpApi(body, {
    newId: (kind) => NEW_ID[kind](),
    failOnWarnings: options.failOnWarnings,
    ...(options.basepath !== undefined && { basepath: options.basepath }),
    variables: ctx.env,
  });
  checkParts(ctx, imported);
  return imported;
}

/** CreateAuthorizer's, CreateIntegration's and CreateRoute's checks and quotas, and CreateApi's of CORS. */
function checkParts(ctx: ApiGatewayV2Context, imported: ImportedHttpApi): void {
  const problems = new ImportProblems();
  const perApi = ctx.env.limits.maxResourcesPerApi;
  // CreateRoute's and CreateIntegration's quota texts (unverified)
  if (imported.routes.length > perApi) problems.error(`Exceeded the maximum number of routes (${perApi}) for this API`);
  if (imported.integrations.length > perApi) problems.error(`Exceeded the maximum number of integrations (${perApi}) for this API`);
  if (imported.authorizers.length > MAX_AUTHORIZERS) problems.error(`Exceeded the maximum number of authorizers (${MAX_AUTHORIZERS}) for this API`);
  for (const authorizer of imported.authorizers) {
    attempt(problems, `Unable to create authorizer '${authorizer.name}'`, () => checkAuthorizer(authorizer));
  }
  for (const integration of imported.integrations) {
    attempt(problems, `Unable to create integration for ${placeOf(imported, integration)}`, () => checkIntegration(integration));
  }
  const routes = imported.routes.filter((route) => attempt(problems, `Unable to create route '${route.routeKey}'`, () => {
    checkRouteKey(route.routeKey);
    checkAuthorization(imported, route);
    return true;
  }));
  attempt(problems, 'Unable to create routes', () => checkRouteTable(routes));
  const cors = imported.corsConfiguration === undefined ? undefined : checkCorsConfiguration(imported.corsConfiguration);
  if (cors !== undefined) problems.error(`Invalid ${x('cors')}: ${cors}`);
  problems.throwIfErrors();
}

/** An integration named by the first route that targets it (an unused one by its URI), as the importer names them. */
function placeOf(imported: ImportedHttpApi, integration: HttpIntegration): string {
  const route = imported.routes.find((candidate) => candidate.target === `integrations/${integration.integrationId}`);
  return route !== undefined ? `route '${route.routeKey}'` : `integration ${integration.integrationUri ?? integration.integrationId}`;
}

/** What the document says of the API itself; absent ones are absent from the API. */
function documentFields(imported: ImportedHttpApi): NewApiFields {
  const { name, description, version, corsConfiguration, disableExecuteApiEndpoint, warnings, importInfo } = imported;
  return {
    name,
    tags: imported.tags,
    disableExecuteApiEndpoint: disableExecuteApiEndpoint ?? false,
    ...(description !== undefined && { description }),
    ...(version !== undefined && { version }),
    ...(corsConfiguration !== undefined && { corsConfiguration }),
    ...(warnings.length > 0 && { warnings }),
    ...(importInfo.length > 0 && { importInfo }),
  };
}

/** ImportApi: a new API with what the document defines. */
export function importApi(ctx: ApiGatewayV2Context, imported: ImportedHttpApi, options: NewApiOptions = {}): Promise<HttpApi> {
  const { routes, integrations, authorizers } = imported;
  return createHttpApi(ctx, documentFields(imported), { routes, integrations, authorizers }, options);
}

/** The members of an Api a re-import replaces: the document's, or none when it has none. */
const REPLACED = ['description', 'version', 'corsConfiguration', 'warnings', 'importInfo'] as const;

/**
 * ReimportApi's change to a working copy: the document's routes, integrations and authorizers
 * in place of the API's, and its settings; the document's tags replace the API's, all but the
 * `_custom_id_` that gave it its id (as PutRestApi's overwrite does).
 */
export function applyReimport(definition: HttpApiDefinition, imported: ImportedHttpApi): void {
  const api = definition.api;
  const { tags: documentTags, ...fields } = documentFields(imported);
  for (const key of REPLACED) delete api[key];
  Object.assign(api, fields);
  const { [CUSTOM_ID_TAG]: _ignored, ...tags } = documentTags;
  const customId = api.tags[CUSTOM_ID_TAG];
  api.tags = customId === undefined ? tags : { [CUSTOM_ID_TAG]: customId, ...tags };
  definition.routes = imported.routes;
  definition.integrations = imported.integrations;
  definition.authorizers = imported.authorizers;
}

/** ReimportApi: the document in place of the API's definition, then deployed to its auto-deploying stages. */
export function reimportApi(ctx: ApiGatewayV2Context, apiId: string, imported: ImportedHttpApi): Promise<HttpApi> {
  return mutateApi(ctx, apiId, (definition) => {
    applyReimport(definition, imported);
    return definition.api;
  });
}

/** The document of an ImportApi/ReimportApi request and its query (`basepath`, `failOnWarnings`). */
function requestDocument(ctx: ApiGatewayV2Context, request: OperationRequest): ImportedHttpApi {
  const body = request.body.body;
  required(body, 'body');
  if (typeof body !== 'string') throw badRequest('Invalid input: body must be a string'); // unverified
  const failOnWarnings = request.query.get('failOnWarnings')?.toLowerCase() === 'true';
  return readHttpApiDocument(ctx, body, { failOnWarnings, basepath: parseBasePathMode(request.query.get('basepath')) });
}

const OUTPUT_TYPES: readonly string[] = ['JSON', 'YAML'];

async function exportApi(ctx: ApiGatewayV2Context, request: OperationRequest) {
  const { apiId, specification } = request.params;
  const { query } = request;
  // Messages unverified; the values are the model's (OAS30; JSON, YAML; export version 1.0).
  if (specification !== 'OAS30') throw badRequest(`Invalid specification ${specification}: OAS30 is the only supported value`);
  const outputType = query.get('outputType') ?? undefined;
  required(outputType, 'outputType');
  if (!OUTPUT_TYPES.includes(outputType as string)) throw badRequest(`Invalid outputType ${outputType}: use JSON or YAML`);
  const exportVersion = query.get('exportVersion');
  if (exportVersion !== null && exportVersion !== IMPORT_EXPORT_VERSION) {
    throw badRequest(`Invalid exportVersion ${exportVersion}: ${IMPORT_EXPORT_VERSION} is the only supported version`);
  }
  const extensions = query.get('includeExtensions')?.toLowerCase() ?? 'true';
  if (extensions !== 'true' && extensions !== 'false') throw badRequest(`Invalid includeExtensions ${extensions}: use true or false`);
  let definition = await readApi(ctx, apiId);
  let stage: HttpStage | undefined;
  const stageName = query.get('stageName');
  if (stageName !== null) {
    // A stage exports the deployment it serves; without one, the working copy (documented).
    stage = await ctx.store.httpApis.getStage(apiId, stageName);
    if (stage === undefined) throw stageNotFound(ctx.env, apiId, stageName);
    if (stage.deploymentId === undefined) throw badRequest(`Stage ${stageName} has no deployment to export`); // unverified
    const deployment = await ctx.store.httpApis.getDeployment(apiId, stage.deploymentId);
    if (deployment === undefined) throw deploymentNotFound(ctx.env, apiId, stage.deploymentId);
    definition = deployment.snapshot;
  }
  const document = exportHttpApi(definition, stage, { includeExtensions: extensions === 'true', serverUrl: apiEndpoint(ctx, request, apiId) });
  // The content type is REST's GetExport's (recorded there; unverified for HTTP APIs).
  return { statusCode: 200, raw: { contentType: 'application/octet-stream', data: renderExport(document, outputType === 'YAML') } };
}

export function openApiOperations(ctx: ApiGatewayV2Context): OperationDefinition[] {
  return [
    {
      name: 'ImportApi', method: 'PUT', uri: '/v2/apis',
      handler: async (request) => ({ statusCode: 201, body: apiOut(ctx, request, await importApi(ctx, requestDocument(ctx, request))) }),
    },
    {
      name: 'ReimportApi', method: 'PUT', uri: '/v2/apis/{apiId}',
      handler: async (request) => {
        await readApi(ctx, request.params.apiId);
        const api = await reimportApi(ctx, request.params.apiId, requestDocument(ctx, request));
        return { statusCode: 201, body: apiOut(ctx, request, api) };
      },
    },
    { name: 'ExportApi', method: 'GET', uri: '/v2/apis/{apiId}/exports/{specification}', handler: (request) => exportApi(ctx, request) },
  ];
}
