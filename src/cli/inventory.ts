// What a running Archway serves, read through its own control plane as any client would:
// REST APIs with their stages and invoke URLs, and Lambda functions. `archway ls` prints it, and
// `archway start` prints it after a restart so the user sees what is already deployed.
import type { ClientOptions } from '../options/client-options.js';
import { ControlPlaneClient } from './client.js';
import { notEnforced, type ApiSettingsShape, type StageShape } from '../control-plane/apigateway/not-enforced.js';

export interface Inventory {
  apis: {
    id: string;
    name: string;
    stages: { name: string; deploymentId: string; invokeUrl: string }[];
    /** Settings stored but not acted on by Archway yet. */
    notEnforced: string[];
  }[];
  functions: { name: string; runtime: string; handler: string }[];
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
  apis.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const functions: Inventory['functions'] = [];
  let marker: string | undefined;
  do {
    const page = await lambda.json<{ Functions?: { FunctionName: string; Runtime: string; Handler: string }[]; NextMarker?: string }>({
      method: 'GET', path: '/2015-03-31/functions', query: marker === undefined ? {} : { Marker: marker },
    });
    for (const fn of page.Functions ?? []) functions.push({ name: fn.FunctionName, runtime: fn.Runtime, handler: fn.Handler });
    marker = page.NextMarker;
  } while (marker);
  return { apis, functions };
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
  if (inventory.apis.some((api) => api.notEnforced.length > 0)) lines.push('  (! stored and answered as AWS does, but not enforced by Archway yet)');
  lines.push(inventory.functions.length === 0 ? 'Functions: none' : 'Functions:');
  for (const fn of inventory.functions) lines.push(`  ${fn.name}  ${fn.runtime}  ${fn.handler}`);
  return lines;
}
