// What a running Archway serves, read through its own control plane as any client would:
// REST APIs and HTTP APIs (apigatewayv2, under /v2/) with their stages and invoke URLs, and
// Lambda functions. `archway ls` prints it, and `archway start` prints it after a restart so the
// user sees what is already deployed.
import type { ClientOptions } from '../options/client-options.js';
import { ControlPlaneClient } from './client.js';
import { notEnforced, type ApiSettingsShape, type StageShape } from '../control-plane/apigateway/not-enforced.js';
import { notEnforcedHttp } from '../control-plane/apigatewayv2/not-enforced.js';
import { DEFAULT_KEY, type HttpApi, type HttpAuthorizer, type HttpIntegration, type HttpRoute, type HttpStage } from '../model/http-api.js';

export interface Inventory {
  apis: {
    id: string;
    name: string;
    stages: { name: string; deploymentId: string; invokeUrl: string }[];
    /** Settings stored but not acted on by Archway yet. */
    notEnforced: string[];
  }[];
  httpApis: {
    id: string;
    name: string;
    stages: HttpStageEntry[];
    /** Settings stored but not acted on by Archway yet. */
    notEnforced: string[];
  }[];
  functions: { name: string; runtime: string; handler: string }[];
}

export interface HttpStageEntry {
  name: string;
  /** Absent for a stage that serves no deployment yet. */
  deploymentId?: string;
  autoDeploy: boolean;
  invokeUrl: string;
}

interface Page<T> {
  item?: T[];
  position?: string;
}

/** `invokeBase`: the URL callers use, e.g. http://localhost:4566. */
export async function readInventory(options: ClientOptions, invokeBase: string): Promise<Inventory> {
  const apigateway = new ControlPlaneClient(options);
  const lambda = new ControlPlaneClient(options, 'lambda');
  const apis: Inventory['apis'] = [];
  for (const api of await allPages<{ id: string; name: string } & ApiSettingsShape>(apigateway, '/restapis')) {
    const apiPath = `/restapis/${encodeURIComponent(api.id)}`;
    const stages = (await apigateway.json<{ item?: (StageShape & { deploymentId: string })[] }>({ method: 'GET', path: `${apiPath}/stages` })).item ?? [];
    apis.push({
      id: api.id,
      name: api.name,
      stages: stages.map((stage) => ({
        name: stage.stageName,
        deploymentId: stage.deploymentId,
        invokeUrl: `${invokeBase}/_aws/execute-api/${api.id}/${stage.stageName}/`,
      })),
      notEnforced: notEnforced(api, stages),
    });
  }
  apis.sort(byId);
  const httpApis = await readHttpApis(apigateway, invokeBase);
  const functions: Inventory['functions'] = [];
  let marker: string | undefined;
  do {
    const page = await lambda.json<{ Functions?: { FunctionName: string; Runtime: string; Handler: string }[]; NextMarker?: string }>({
      method: 'GET', path: '/2015-03-31/functions', query: marker === undefined ? {} : { Marker: marker },
    });
    for (const fn of page.Functions ?? []) functions.push({ name: fn.FunctionName, runtime: fn.Runtime, handler: fn.Handler });
    marker = page.NextMarker;
  } while (marker);
  return { apis, httpApis, functions };
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Where an HTTP API's stage is invoked: `$default` without a stage segment. */
export function httpInvokeUrl(invokeBase: string, apiId: string, stageName: string): string {
  return `${invokeBase}/_aws/execute-api/${apiId}/${stageName === DEFAULT_KEY ? '' : `${stageName}/`}`;
}

export function httpStageEntry(invokeBase: string, apiId: string, stage: HttpStage): HttpStageEntry {
  return {
    name: stage.stageName,
    ...(stage.deploymentId !== undefined && { deploymentId: stage.deploymentId }),
    autoDeploy: stage.autoDeploy,
    invokeUrl: httpInvokeUrl(invokeBase, apiId, stage.stageName),
  };
}

async function readHttpApis(client: ControlPlaneClient, invokeBase: string): Promise<Inventory['httpApis']> {
  const httpApis: Inventory['httpApis'] = [];
  for (const api of await allItems<HttpApi>(client, '/v2/apis')) {
    const apiPath = `/v2/apis/${encodeURIComponent(api.apiId)}`;
    // The whole definition, as the not-enforced list reads it from the store.
    const [stages, routes, integrations, authorizers] = await Promise.all([
      allItems<HttpStage>(client, `${apiPath}/stages`),
      allItems<HttpRoute>(client, `${apiPath}/routes`),
      allItems<HttpIntegration>(client, `${apiPath}/integrations`),
      allItems<HttpAuthorizer>(client, `${apiPath}/authorizers`),
    ]);
    httpApis.push({
      id: api.apiId,
      name: api.name,
      stages: stages.map((stage) => httpStageEntry(invokeBase, api.apiId, stage)),
      notEnforced: notEnforcedHttp({ api, routes, integrations, authorizers }, stages),
    });
  }
  return httpApis.sort(byId);
}

/** An apigatewayv2 list, every page of it (`items`, `nextToken`). */
export async function allItems<T>(client: ControlPlaneClient, path: string): Promise<T[]> {
  const items: T[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.json<{ items?: T[]; nextToken?: string }>({ method: 'GET', path, query: nextToken === undefined ? {} : { nextToken } });
    items.push(...(page.items ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return items;
}

async function allPages<T>(client: ControlPlaneClient, path: string, query: Record<string, string> = {}): Promise<T[]> {
  const items: T[] = [];
  let position: string | undefined;
  do {
    const page = await client.json<Page<T>>({ method: 'GET', path, query: { ...query, limit: '500', ...(position === undefined ? {} : { position }) } });
    items.push(...(page.item ?? []));
    position = page.position;
  } while (position);
  return items;
}

/** The inventory as the lines `archway ls` prints. */
export function formatInventory(inventory: Inventory): string[] {
  const lines: string[] = [];
  lines.push(inventory.apis.length === 0 ? 'REST APIs: none' : 'REST APIs:');
  for (const api of inventory.apis) {
    lines.push(`  ${api.id}  ${api.name}${api.stages.length === 0 ? '  (not deployed)' : ''}`);
    for (const stage of api.stages) lines.push(`    ${stage.name}  deployment ${stage.deploymentId}  ${stage.invokeUrl}`);
    for (const line of api.notEnforced) lines.push(`    ! ${line}`);
  }
  // Only when there are any, so a REST-only listing reads as it always did.
  if (inventory.httpApis.length > 0) lines.push('HTTP APIs:');
  for (const api of inventory.httpApis) {
    lines.push(`  ${api.id}  ${api.name}${api.stages.length === 0 ? '  (not deployed)' : ''}`);
    for (const stage of api.stages) lines.push(`    ${formatHttpStage(stage)}`);
    for (const line of api.notEnforced) lines.push(`    ! ${line}`);
  }
  if ([...inventory.apis, ...inventory.httpApis].some((api) => api.notEnforced.length > 0)) {
    lines.push('  (! stored and answered as AWS does, but not enforced by Archway yet)');
  }
  lines.push(inventory.functions.length === 0 ? 'Functions: none' : 'Functions:');
  for (const fn of inventory.functions) lines.push(`  ${fn.name}  ${fn.runtime}  ${fn.handler}`);
  return lines;
}

/** `{stage}  deployment {id}  {invokeUrl}`, `(not deployed)` without one, `(auto-deploy)` marked. */
export function formatHttpStage(stage: HttpStageEntry): string {
  const served = stage.deploymentId === undefined ? '(not deployed)' : `deployment ${stage.deploymentId}  ${stage.invokeUrl}`;
  return `${stage.name}  ${served}${stage.autoDeploy ? '  (auto-deploy)' : ''}`;
}
