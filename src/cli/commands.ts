// `archway import FILE` and `archway export API_ID` against a running Archway, with the AWS
// operations a user would call: GetRestApi, CreateRestApi (with the `_custom_id_` tag, so the
// id is stable), PutRestApi mode=overwrite, CreateDeployment; GetExport.
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ExportCommandOptions, ImportCommandOptions } from '../options/client-options.js';
import { importTargetId } from '../openapi/import-file.js';
import { ApiError, ControlPlaneClient } from './client.js';

const restApiPath = (apiId: string) => `/restapis/${encodeURIComponent(apiId)}`;

export async function runImport(options: ImportCommandOptions, out: (line: string) => void): Promise<void> {
  const client = new ControlPlaneClient(options);
  const body = await readFile(options.file);
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

export async function runExport(options: ExportCommandOptions, out: (text: string) => void): Promise<void> {
  const client = new ControlPlaneClient(options);
  let res;
  try {
    res = await client.send({
      method: 'GET',
      path: `${restApiPath(options.apiId)}/stages/${encodeURIComponent(options.stageName)}/exports/${options.format}`,
      query: options.extensions ? { extensions: options.extensions } : {},
      headers: { accept: options.yaml ? 'application/yaml' : 'application/json' },
    });
  } catch (error) {
    throw error instanceof ApiError && error.status === 404 ? await explainMissing(client, options) : error;
  }
  if (options.output) await writeFile(options.output, res.body);
  else out(res.body.toString('utf8'));
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
