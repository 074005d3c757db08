// Logs, when an API is written (SDK, CLI, OpenAPI import), the settings it now holds that
// Archway stores but does not act on yet (not-enforced.ts; HTTP APIs' in
// ../apigatewayv2/not-enforced.ts), once each: a warning names the API
// and the method or stage, so nothing is accepted silently.
import type { Logger } from '../../observability/logger.js';
import type { ConfigStore } from '../../store/config-store.js';
import type { OperationDefinition } from '../route-table.js';
import { notEnforcedIn } from './not-enforced.js';
import { notEnforcedHttp } from '../apigatewayv2/not-enforced.js';

export class NotEnforcedReporter {
  readonly #store: ConfigStore;
  readonly #log: Pick<Logger, 'warn'>;
  /** What was already reported per API. */
  readonly #reported = new Map<string, Set<string>>();

  constructor(store: ConfigStore, log: Pick<Logger, 'warn'>) {
    this.#store = store;
    this.#log = log;
  }

  /** Every API's settings that are not enforced, `{api}: {line}` (the startup banner). */
  async all(): Promise<string[]> {
    const lines: string[] = [];
    for (const definition of await this.#store.listDefinitions()) {
      const found = notEnforcedIn(definition, await this.#store.listStages(definition.api.id));
      this.#reported.set(definition.api.id, new Set(found));
      for (const line of found) lines.push(`${definition.api.name} (${definition.api.id}): ${line}`);
    }
    for (const definition of await this.#store.httpApis.listApis()) {
      const found = notEnforcedHttp(definition, await this.#store.httpApis.listStages(definition.api.apiId));
      this.#reported.set(definition.api.apiId, new Set(found));
      for (const line of found) lines.push(`${definition.api.name} (${definition.api.apiId}): ${line}`);
    }
    return lines;
  }

  /** The API's name and what it holds that is not enforced, of either kind; undefined when it does not exist. */
  async #find(apiId: string): Promise<{ name: string; found: string[] } | undefined> {
    const definition = await this.#store.getDefinition(apiId);
    if (definition !== undefined) return { name: definition.api.name, found: notEnforcedIn(definition, await this.#store.listStages(apiId)) };
    const http = await this.#store.httpApis.getApi(apiId);
    if (http === undefined) return undefined;
    return { name: http.api.name, found: notEnforcedHttp(http, await this.#store.httpApis.listStages(apiId)) };
  }

  /** Logs what the API holds that is not enforced and was not reported before. */
  async check(apiId: string): Promise<void> {
    const api = await this.#find(apiId);
    if (api === undefined) {
      this.#reported.delete(apiId);
      return;
    }
    const { name, found } = api;
    const before = this.#reported.get(apiId);
    for (const line of found) {
      if (!before?.has(line)) this.#log.warn({ api: apiId, name, setting: line }, 'stored as AWS does, but not enforced by Archway yet');
    }
    this.#reported.set(apiId, new Set(found));
  }

  /** The operations, each write followed by a check of the API it wrote. */
  watch(operations: readonly OperationDefinition[]): OperationDefinition[] {
    return operations.map((operation) => operation.method === 'GET' ? operation : {
      ...operation,
      handler: async (request) => {
        const response = await operation.handler(request);
        const body = response.body as { id?: unknown; apiId?: unknown } | undefined;
        const apiId = request.params.restapi_id ?? request.params.apiId ?? body?.id ?? body?.apiId;
        // Not even stored: say so rather than drop it quietly.
        if (request.body.canarySettings !== undefined) {
          this.#log.warn({ api: apiId, operation: operation.name }, 'canarySettings are not supported by Archway yet and were ignored (no canary is served)');
        }
        if (typeof apiId === 'string') await this.check(apiId).catch((error: unknown) => this.#log.warn({ err: error, api: apiId }, 'could not check what is not enforced'));
        return response;
      },
    });
  }
}
