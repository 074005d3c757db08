// `archway import FILE` and `archway export API_ID` against a running Archway, with the AWS
// operations a user would call: GetRestApi, CreateRestApi (with the `_custom_id_` tag, so the
// id is stable), PutRestApi mode=overwrite, CreateDeployment; GetExport. An HTTP API's document
// (isHttpApiDocument) goes to apigatewayv2 instead: ImportApi or ReimportApi, and CreateStage for
// an auto-deploying `$default` stage when the API has no stage; an HTTP API's id exports with
// ExportApi (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-open-api.html,
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-export.html).
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { CUSTOM_ID_TAG } from '../control-plane/apigateway/rest-apis.js';
import { DEFAULT_KEY, type HttpApi, type HttpStage } from '../model/http-api.js';
import { DEFAULT_OPTIONS } from '../options/options.js';
import type { ExportCommandOptions, ImportCommandOptions } from '../options/client-options.js';
import { isObject, text, type JsonObject } from '../openapi/document.js';
import { isHttpApiDocument, x } from '../openapi/http-api/import.js';
import { apiIdForFile, importTargetId } from '../openapi/import-file.js';
import { parseOpenApi } from '../openapi/parse.js';
import { ApiError, ControlPlaneClient, type ApiResponse } from './client.js';
import { allItems, formatHttpStage, httpStageEntry } from './inventory.js';

const restApiPath = (apiId: string) => `/restapis/${encodeURIComponent(apiId)}`;
const httpApiPath = (apiId: string) => `/v2/apis/${encodeURIComponent(apiId)}`;

export async function runImport(options: ImportCommandOptions, out: (line: string) => void): Promise<void> {
  const client = new ControlPlaneClient(options);
  const body = await readFile(options.file);
  const document = parseOpenApi(body);
  if (isHttpApiDocument(document)) return importHttpApi(client, options, body, document.root, out);
  const apiId = importTargetId(options.file, body, options.apiId);
  let exists = true;
  try {
    await client.json({ method: 'GET', path: restApiPath(apiId) });
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) throw error;
    exists = false;
  }
  if (!exists) {
    await client.json({
      method: 'POST', path: '/restapis', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: basename(options.file), tags: { _custom_id_: apiId } }),
    });
  }
  const query: Record<string, string> = { mode: 'overwrite' };
  if (options.failOnWarnings) query.failonwarnings = 'true';
  if (options.basePath) query.basepath = options.basePath;
  let api: { name: string; warnings?: string[] };
  try {
    api = await client.json({ method: 'PUT', path: restApiPath(apiId), query, headers: { 'content-type': 'application/octet-stream' }, body });
  } catch (error) {
    // a refused document leaves nothing behind: the API created for it goes too
    if (!exists) await client.send({ method: 'DELETE', path: restApiPath(apiId) }).catch(() => undefined);
    throw error;
  }
  for (const warning of api.warnings ?? []) out(`warning: ${warning}`);
  const deployment = await client.json<{ id: string }>({
    method: 'POST', path: `${restApiPath(apiId)}/deployments`, headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ stageName: options.stageName, description: `archway import ${basename(options.file)}` }),
  });
  out(`${exists ? 'Updated' : 'Created'} API ${apiId} (${api.name}) from ${options.file}; deployment ${deployment.id} on stage ${options.stageName}`);
  out(`Invoke URL: ${options.endpoint}/_aws/execute-api/${apiId}/${options.stageName}/`);
}

/** Whether the id names an API of the kind at `path`: false when the control plane answers 404. */
async function exists(client: ControlPlaneClient, path: string): Promise<boolean> {
  try {
    await client.json({ method: 'GET', path });
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return false;
    throw error;
  }
}

/**
 * An HTTP API's document. Its id is chosen as the REST path's is (--api-id, else the document's
 * `_custom_id_` tag, else one from the file's path), so importing the file again replaces the
 * same API: ReimportApi when it exists; else ImportApi, whose only say in the id is that tag, so
 * the document is sent with the tag set when the id is not already the document's own.
 */
async function importHttpApi(client: ControlPlaneClient, options: ImportCommandOptions, body: Buffer, root: JsonObject, out: (line: string) => void): Promise<void> {
  const documentId = customIdOf(root);
  const apiId = options.apiId ?? documentId ?? apiIdForFile(options.file);
  const query: Record<string, string> = {};
  if (options.failOnWarnings) query.failOnWarnings = 'true';
  if (options.basePath) query.basepath = options.basePath;
  const created = !(await exists(client, httpApiPath(apiId)));
  if (created && (await exists(client, restApiPath(apiId)))) {
    // import-file.ts's words for `archway start --import`
    throw new ApiError(409, 'ConflictException', `API ${apiId} is a REST API, but ${basename(options.file)} describes an HTTP API: remove that API or choose another id with --api-id`);
  }
  const document = created && documentId !== apiId ? JSON.stringify(withCustomId(root, apiId)) : body.toString('utf8');
  const api = await client.json<HttpApi>({
    method: 'PUT', path: created ? '/v2/apis' : httpApiPath(apiId), query, headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ body: document }),
  });
  for (const warning of api.warnings ?? []) out(`warning: ${warning}`);
  let stages = await allItems<HttpStage>(client, `${httpApiPath(apiId)}/stages`);
  if (stages.length === 0) {
    stages = [await client.json<HttpStage>({
      method: 'POST', path: `${httpApiPath(apiId)}/stages`, headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ stageName: DEFAULT_KEY, autoDeploy: true }),
    })];
  }
  out(`${created ? 'Created' : 'Updated'} HTTP API ${apiId} (${api.name}) from ${options.file}`);
  for (const stage of stages) out(`  ${formatHttpStage(httpStageEntry(options.endpoint, apiId, stage))}`);
  if (!created && stages.some((stage) => !stage.autoDeploy)) {
    out(`  (a stage without auto-deploy serves its deployment until you deploy to it: aws apigatewayv2 create-deployment --api-id ${apiId} --stage-name STAGE)`);
  }
  if (options.stageName !== DEFAULT_OPTIONS.importStage) {
    out(`  --stage ${options.stageName} is for REST APIs: an HTTP API is served by its stages, an auto-deploying $default one when it has none`);
  }
}

/** The document's `_custom_id_` tag (`tags: [{name, x-amazon-apigateway-tag-value}]`). */
function customIdOf(root: JsonObject): string | undefined {
  const tags = Array.isArray(root.tags) ? root.tags : [];
  const tag = tags.find((candidate) => isObject(candidate) && candidate.name === CUSTOM_ID_TAG);
  return isObject(tag) ? text(tag[x('tag-value')]) : undefined;
}

/** The document with its `_custom_id_` tag set to `apiId` (the user's file is not changed). */
function withCustomId(root: JsonObject, apiId: string): JsonObject {
  const tags = (Array.isArray(root.tags) ? root.tags : []).filter((tag) => !(isObject(tag) && tag.name === CUSTOM_ID_TAG));
  return { ...root, tags: [...tags, { name: CUSTOM_ID_TAG, [x('tag-value')]: apiId }] };
}

export async function runExport(options: ExportCommandOptions, out: (text: string) => void): Promise<void> {
  const client = new ControlPlaneClient(options);
  let res: ApiResponse;
  try {
    res = await client.send({
      method: 'GET',
      path: `${restApiPath(options.apiId)}/stages/${encodeURIComponent(options.stageName)}/exports/${options.format}`,
      query: options.extensions ? { extensions: options.extensions } : {},
      headers: { accept: options.yaml ? 'application/yaml' : 'application/json' },
    });
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) throw error;
    // Not a REST API's stage: an HTTP API's id, or an explanation of what is missing.
    if (!(await exists(client, httpApiPath(options.apiId)))) throw await explainMissing(client, options);
    res = await exportHttpApi(client, options);
  }
  if (options.output) await writeFile(options.output, res.body);
  else out(res.body.toString('utf8'));
}

/**
 * ExportApi: OpenAPI 3 only, with or without the x-amazon-apigateway extensions. The stage is
 * --stage's; when that is the default and the API has no such stage, its `$default` stage.
 */
async function exportHttpApi(client: ControlPlaneClient, options: ExportCommandOptions): Promise<ApiResponse> {
  const { apiId } = options;
  if (options.format !== 'oas30') throw new ApiError(400, 'BadRequestException', `API '${apiId}' is an HTTP API: HTTP APIs export as OpenAPI 3 only (--format oas30)`);
  const names = (await allItems<HttpStage>(client, `${httpApiPath(apiId)}/stages`)).map((stage) => stage.stageName);
  const fallback = options.stageName === DEFAULT_OPTIONS.importStage && names.includes(DEFAULT_KEY) ? DEFAULT_KEY : undefined;
  const stageName = names.includes(options.stageName) ? options.stageName : fallback;
  if (stageName === undefined) {
    const known = names.length === 0 ? 'it has no stages' : `its stages: ${names.join(', ')}`;
    throw new ApiError(404, 'NotFoundException', `HTTP API '${apiId}' has no stage '${options.stageName}' (--stage picks another; ${known})`);
  }
  return client.send({
    method: 'GET',
    path: `${httpApiPath(apiId)}/exports/OAS30`,
    query: { outputType: options.yaml ? 'YAML' : 'JSON', stageName, ...(options.extensions === '' && { includeExtensions: 'false' }) },
  });
}

/** GetExport answers AWS's "Invalid Stage identifier specified" for a missing API too: say which is missing. */
async function explainMissing(client: ControlPlaneClient, options: ExportCommandOptions): Promise<ApiError> {
  try {
    await client.json({ method: 'GET', path: restApiPath(options.apiId) });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      return new ApiError(404, 'NotFoundException', `there is no API '${options.apiId}' at ${options.endpoint}`);
    }
  }
  return new ApiError(404, 'NotFoundException', `API '${options.apiId}' has no stage '${options.stageName}' (--stage picks another)`);
}
