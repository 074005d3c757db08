// What a running Archway serves, read through its own control plane as any client would:
// REST APIs with their stages and invoke URLs, and Lambda functions. `archway ls` prints it, and
// `archway start` prints it after a restart so the user sees what is already deployed.
import type { ClientOptions } from '../options/client-options.js';
import { ControlPlaneClient } from './client.js';

export interface Inventory {
  apis: { id: string; name: string; stages: { name: string; deploymentId: string; invokeUrl: string }[] }[];
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
  for (const api of await allPages<{ id: string; name: string }>(apigateway, '/restapis')) {
    const stages = await apigateway.json<{ item?: { stageName: string; deploymentId: string }[] }>({ method: 'GET', path: `/restapis/${encodeURIComponent(api.id)}/stages` });
    apis.push({
      id: api.id,
      name: api.name,
      stages: (stages.item ?? []).map((stage) => ({
        name: stage.stageName,
        deploymentId: stage.deploymentId,
        invokeUrl: `${invokeBase}/_aws/execute-api/${api.id}/${stage.stageName}/`,
      })),
    });
  }
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

async function allPages<T>(client: ControlPlaneClient, path: string): Promise<T[]> {
  const items: T[] = [];
  let position: string | undefined;
  do {
    const page = await client.json<Page<T>>({ method: 'GET', path, query: { limit: '500', ...(position === undefined ? {} : { position }) } });
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
  }
  lines.push(inventory.functions.length === 0 ? 'Functions: none' : 'Functions:');
  for (const fn of inventory.functions) lines.push(`  ${fn.name}  ${fn.runtime}  ${fn.handler}`);
  return lines;
}
