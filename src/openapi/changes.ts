// What a re-import changed, for `archway start --import FILE --watch`: methods (an HTTP API's
// routes), models, gateway responses, authorizers and API settings added (+), removed (-) or
// changed (~). Archway's own report; ids that an overwrite regenerates (validators, authorizers,
// an HTTP API's integrations) are compared by name or content.
import type { HttpApiDefinition, HttpRoute } from '../model/http-api.js';
import type { Method, RestApiDefinition } from '../model/rest-api.js';

export function describeChanges(before: RestApiDefinition | undefined, after: RestApiDefinition): string[] {
  const changes: string[] = [];
  diff(changes, methodsOf(before), methodsOf(after), (key) => key);
  diff(changes, recordOf(before?.models, (m) => m.schema), recordOf(after.models, (m) => m.schema), (name) => `model ${name}`);
  diff(changes, recordOf(before?.gatewayResponses), recordOf(after.gatewayResponses), (type) => `gateway response ${type}`);
  diff(changes, recordOf(before?.requestValidators && byName(before.requestValidators)), recordOf(byName(after.requestValidators)), (name) => `request validator ${name}`);
  diff(changes, recordOf(before?.authorizers && byName(before.authorizers)), recordOf(after.authorizers && byName(after.authorizers)), (name) => `authorizer ${name}`);
  if (before) {
    const { id: _a, createdDate: _b, rootResourceId: _c, warnings: _d, ...old } = before.api;
    const { id: _e, createdDate: _f, rootResourceId: _g, warnings: _h, ...now } = after.api;
    for (const key of new Set([...Object.keys(old), ...Object.keys(now)])) {
      if (JSON.stringify(old[key as keyof typeof old]) !== JSON.stringify(now[key as keyof typeof now])) changes.push(`~ API ${key}`);
    }
  }
  return changes;
}

/** The same for an HTTP API: routes by route key, authorizers by name, and the API's settings. */
export function describeHttpChanges(before: HttpApiDefinition | undefined, after: HttpApiDefinition): string[] {
  const changes: string[] = [];
  diff(changes, routesOf(before), routesOf(after), (key) => key);
  const authorizers = (definition: HttpApiDefinition | undefined) =>
    new Map((definition?.authorizers ?? []).map(({ authorizerId: _id, ...rest }) => [rest.name, JSON.stringify(rest)]));
  diff(changes, authorizers(before), authorizers(after), (name) => `authorizer ${name}`);
  if (before) {
    const { apiId: _a, createdDate: _b, warnings: _c, importInfo: _d, ...old } = before.api;
    const { apiId: _e, createdDate: _f, warnings: _g, importInfo: _h, ...now } = after.api;
    for (const key of new Set([...Object.keys(old), ...Object.keys(now)])) {
      if (JSON.stringify(old[key as keyof typeof old]) !== JSON.stringify(now[key as keyof typeof now])) changes.push(`~ API ${key}`);
    }
  }
  return changes;
}

/** `GET /pets` → the route as JSON with its integration and authorizer in place of their ids. */
function routesOf(definition: HttpApiDefinition | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!definition) return out;
  const integrationOf = (target: string | undefined) => {
    const found = definition.integrations.find((candidate) => target === `integrations/${candidate.integrationId}`);
    if (!found) return undefined;
    const { integrationId: _id, ...fields } = found;
    return fields;
  };
  const comparable = ({ routeId: _id, target, authorizerId, ...rest }: HttpRoute) => ({
    ...rest,
    integration: integrationOf(target),
    authorizer: authorizerId && definition.authorizers.find((candidate) => candidate.authorizerId === authorizerId)?.name,
  });
  for (const route of definition.routes) out.set(route.routeKey, JSON.stringify(comparable(route)));
  return out;
}

/** `GET /pets` → the method as JSON with generated ids replaced by names. */
function methodsOf(definition: RestApiDefinition | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!definition) return out;
  for (const resource of Object.values(definition.resources)) {
    for (const [verb, method] of Object.entries(resource.resourceMethods ?? {})) {
      if (method) out.set(`${verb} ${resource.path}`, JSON.stringify(comparable(definition, method)));
    }
  }
  return out;
}

function comparable(definition: RestApiDefinition, method: Method): unknown {
  const { requestValidatorId, authorizerId, ...rest } = method;
  return {
    ...rest,
    validator: requestValidatorId && definition.requestValidators[requestValidatorId]?.name,
    authorizer: authorizerId && definition.authorizers?.[authorizerId]?.name,
  };
}

function byName<T extends { name: string; id: string }>(items: Record<string, T>): Record<string, Omit<T, 'id'>> {
  return Object.fromEntries(Object.values(items).map(({ id: _id, ...rest }) => [rest.name, rest]));
}

function recordOf<T>(items: Partial<Record<string, T>> | undefined, pick: (item: T) => unknown = (item) => item): Map<string, string> {
  return new Map(Object.entries(items ?? {}).filter(([, v]) => v !== undefined).map(([k, v]) => [k, JSON.stringify(pick(v as T))]));
}

function diff(changes: string[], before: Map<string, string>, after: Map<string, string>, label: (key: string) => string): void {
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  for (const key of keys) {
    const old = before.get(key);
    const now = after.get(key);
    if (old === undefined) changes.push(`+ ${label(key)}`);
    else if (now === undefined) changes.push(`- ${label(key)}`);
    else if (old !== now) changes.push(`~ ${label(key)}`);
  }
}
