// `archway start --import FILE`: imports an OpenAPI file (ImportRestApi the first time,
// PutRestApi mode=overwrite after) and deploys it to a stage (CreateDeployment), through the
// same functions as the SDK operations, without an HTTP round trip; a file that imports but
// cannot be deployed changes nothing (Archway's own rule). The API id is `--api-id`,
// else the document's `_custom_id_` tag, else derived from the file's absolute path, so a
// restart replaces the same API. https://docs.aws.amazon.com/apigateway/latest/developerguide/import-edge-optimized-api.html
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { ApiGatewayContext } from '../control-plane/apigateway/context.js';
import { checkDeployment, createDeployment } from '../control-plane/apigateway/deployments.js';
import { CUSTOM_ID_TAG } from '../control-plane/apigateway/rest-apis.js';
import type { RestApiDefinition } from '../model/rest-api.js';
import { describeChanges } from './changes.js';
import { importRestApi, planImport, putRestApi, type ImportParameters } from './import.js';
import type { AwsVariables } from './variables.js';

export interface FileImportRequest {
  file: string;
  stageName: string;
  apiId?: string;
}

export interface FileImportResult {
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
export async function importFileAndDeploy(ctx: ApiGatewayContext, request: FileImportRequest): Promise<FileImportResult> {
  const body = await readFile(request.file);
  const apiId = importTargetId(request.file, body, request.apiId, ctx.env);
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
    apiId,
    stageName: request.stageName,
    deploymentId,
    created: before === undefined,
    deployed: serving === undefined,
    warnings: api.warnings ?? [],
    changes,
  };
}
