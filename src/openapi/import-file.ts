// `archway start --import FILE`: imports an OpenAPI file (ImportRestApi the first time,
// PutRestApi mode=overwrite after) and deploys it to a stage (CreateDeployment), through the
// same functions as the SDK operations, without an HTTP round trip; a file that imports but
// cannot be deployed changes nothing (Archway's own rule). The API id is `--api-id`,
// else the document's `_custom_id_` tag, else derived from the file's absolute path, so a
// restart replaces the same API. https://docs.aws.amazon.com/apigateway/latest/developerguide/import-edge-optimized-api.html
// An HTTP API's document (isHttpApiDocument) becomes an HTTP API the same way (ImportApi, then
// ReimportApi), served by an auto-deploying `$default` stage.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-open-api.html
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { conflict } from '../aws/errors.js';
import type { ApiGatewayContext } from '../control-plane/apigateway/context.js';
import { checkDeployment, createDeployment } from '../control-plane/apigateway/deployments.js';
import { CUSTOM_ID_TAG } from '../control-plane/apigateway/rest-apis.js';
import { autoDeployingDefaultStage } from '../control-plane/apigatewayv2/apis.js';
import { deploy, type ApiGatewayV2Context } from '../control-plane/apigatewayv2/context.js';
import { applyReimport, importApi, readHttpApiDocument, reimportApi } from '../control-plane/apigatewayv2/openapi.js';
import { DEFAULT_KEY } from '../model/http-api.js';
import type { RestApiDefinition } from '../model/rest-api.js';
import { describeChanges, describeHttpChanges } from './changes.js';
import { isHttpApiDocument } from './http-api/import.js';
import { importRestApi, planImport, putRestApi, type ImportParameters } from './import.js';
import { parseOpenApi } from './parse.js';
import type { AwsVariables } from './variables.js';

export interface FileImportRequest {
  file: string;
  stageName: string;
  apiId?: string;
}

export interface FileImportResult {
  /** A REST API, or an HTTP API (apigatewayv2) when the document is one. */
  kind: 'REST' | 'HTTP';
  apiId: string;
  stageName: string;
  deploymentId: string;
  /** True when this import created the API. */
  created: boolean;
  /** False when nothing changed and the stage kept its deployment. */
  deployed: boolean;
  warnings: string[];
  /** What changed in the API, as describeChanges reports it. */
  changes: string[];
}

const PARAMETERS: ImportParameters = { basePath: 'ignore', ignoreDocumentation: false, failOnWarnings: false };
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A stable 10-character API id for a file path (the REST API id format). */
export function apiIdForFile(file: string): string {
  const digest = createHash('sha256').update(resolve(file)).digest();
  let id = '';
  for (let i = 0; i < 10; i++) id += ALPHABET[digest[i] % ALPHABET.length];
  return id;
}

/** The id `--import` uses: the flag's, else the document's `_custom_id_` tag, else one from the path. */
export function importTargetId(file: string, body: Uint8Array, apiId: string | undefined, variables?: AwsVariables): string {
  if (apiId !== undefined) return apiId;
  const tags = planImport(body, PARAMETERS, variables).plan.api.tags as Record<string, string> | undefined;
  return tags?.[CUSTOM_ID_TAG] ?? apiIdForFile(file);
}

/**
 * Imports the file and deploys it as one step: the imported definition is checked as
 * CreateDeployment checks it before it is stored, so a file that imports but cannot be deployed
 * (a method without an integration) leaves the API as it was.
 */
export async function importFileAndDeploy(ctx: ApiGatewayContext, v2: ApiGatewayV2Context, request: FileImportRequest): Promise<FileImportResult> {
  const body = await readFile(request.file);
  if (isHttpApiDocument(parseOpenApi(body))) return importHttpApiFile(v2, request, body);
  const apiId = importTargetId(request.file, body, request.apiId, ctx.env);
  if ((await ctx.store.httpApis.getApi(apiId)) !== undefined) throw kindConflict(apiId, 'an HTTP API', request.file, 'a REST API');
  const before = await ctx.store.getDefinition(apiId);
  const deployable = (definition: RestApiDefinition) => checkDeployment(ctx, definition);
  const api = before
    ? await putRestApi(ctx, apiId, body, 'overwrite', PARAMETERS, deployable)
    : await importRestApi(ctx, body, PARAMETERS, apiId, deployable);
  const after = await ctx.store.getDefinition(apiId);
  const changes = after ? describeChanges(before, after) : [];
  // A save that changes nothing (a comment, reformatting) keeps the deployment the stage serves.
  const serving = before !== undefined && changes.length === 0 ? await ctx.store.getStage(apiId, request.stageName) : undefined;
  const deploymentId = serving?.deploymentId
    ?? (await createDeployment(ctx, apiId, { stageName: request.stageName, description: `archway --import ${basename(request.file)}` })).id;
  return {
    kind: 'REST',
    apiId,
    stageName: request.stageName,
    deploymentId,
    created: before === undefined,
    deployed: serving === undefined,
    warnings: api.warnings ?? [],
    changes,
  };
}

/** One id cannot name a REST API and an HTTP API: the file's document says which it is. */
function kindConflict(apiId: string, existing: string, file: string, document: string) {
  return conflict(`API ${apiId} is ${existing}, but ${basename(file)} describes ${document}: remove that API or choose another id with --api-id`); // Archway's own
}

/**
 * An HTTP API's file: ImportApi the first time, with an auto-deploying `$default` stage; after,
 * ReimportApi when the document changed something, which that stage deploys. An API that has
 * lost its `$default` stage gets it again; one whose `$default` stage no longer auto-deploys
 * keeps the deployment it serves (someone turned auto-deploy off).
 */
async function importHttpApiFile(ctx: ApiGatewayV2Context, request: FileImportRequest, body: Uint8Array): Promise<FileImportResult> {
  const imported = readHttpApiDocument(ctx, body, { failOnWarnings: false });
  const apiId = request.apiId ?? imported.tags[CUSTOM_ID_TAG] ?? apiIdForFile(request.file);
  if (await ctx.store.hasRestApi(apiId)) throw kindConflict(apiId, 'a REST API', request.file, 'an HTTP API');
  const before = await ctx.store.httpApis.getApi(apiId);
  const servedBefore = before && (await ctx.store.httpApis.getStage(apiId, DEFAULT_KEY))?.deploymentId;
  let changes: string[] = [];
  if (before === undefined) {
    await importApi(ctx, imported, { apiId, stages: (id) => [autoDeployingDefaultStage(id, false)] });
  } else {
    const after = structuredClone(before);
    applyReimport(after, imported);
    changes = describeHttpChanges(before, after);
    if (changes.length > 0) await reimportApi(ctx, apiId, imported);
    if ((await ctx.store.httpApis.getStage(apiId, DEFAULT_KEY)) === undefined) {
      const outcome = await ctx.store.httpApis.createStage(autoDeployingDefaultStage(apiId, false), ctx.env.limits.maxStagesPerApi);
      if (outcome === 'limit-exceeded') throw conflict(`API ${apiId} has no $default stage, and no room for one (${ctx.env.limits.maxStagesPerApi} stages)`); // Archway's own
      await deploy(ctx, apiId, { autoDeployed: true }, (stage) => stage.stageName === DEFAULT_KEY);
    }
  }
  const deploymentId = (await ctx.store.httpApis.getStage(apiId, DEFAULT_KEY))?.deploymentId ?? '';
  return {
    kind: 'HTTP',
    apiId,
    stageName: DEFAULT_KEY,
    deploymentId,
    created: before === undefined,
    deployed: deploymentId !== servedBefore,
    warnings: imported.warnings,
    changes,
  };
}
