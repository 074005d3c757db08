// Logs, when an API is written (SDK, CLI, OpenAPI import), the settings it now holds that
// Archway stores but does not act on yet (not-enforced.ts), once each: a warning names the API
// and the method or stage, so nothing is accepted silently.
import type { Logger } from '../../observability/logger.js';
import type { ConfigStore } from '../../store/config-store.js';
import type { OperationDefinition } from '../route-table.js';
import { notEnforcedIn } from './not-enforced.js';

/** The APIs a write touched: the one in its path, the one it created, or a usage plan's API stages. */
function touchedApis(params: Record<string, string>, body: unknown): string[] {
  if (params.restapi_id !== undefined) return [params.restapi_id];
  const written = (body ?? {}) as { id?: unknown; apiStages?: { apiId: string }[]; rootResourceId?: unknown };
  if (Array.isArray(written.apiStages)) return [...new Set(written.apiStages.map((apiStage) => apiStage.apiId))];
  return typeof written.id === 'string' && written.rootResourceId !== undefined ? [written.id] : [];
}

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
    const plans = await this.#store.listUsagePlans();
    for (const definition of await this.#store.listDefinitions()) {
      const found = notEnforcedIn(definition, await this.#store.listStages(definition.api.id), plans);
      this.#reported.set(definition.api.id, new Set(found));
      for (const line of found) lines.push(`${definition.api.name} (${definition.api.id}): ${line}`);
    }
    return lines;
  }

  /** Logs what the API holds that is not enforced and was not reported before. */
  async check(apiId: string): Promise<void> {
    const definition = await this.#store.getDefinition(apiId);
    if (definition === undefined) {
      this.#reported.delete(apiId);
      return;
    }
    const found = notEnforcedIn(definition, await this.#store.listStages(apiId), await this.#store.listUsagePlans());
    const before = this.#reported.get(apiId);
    for (const line of found) {
      if (!before?.has(line)) this.#log.warn({ api: apiId, name: definition.api.name, setting: line }, 'stored as AWS does, but not enforced by Archway yet');
    }
    this.#reported.set(apiId, new Set(found));
  }

  /** The operations, each write followed by a check of the API it wrote. */
  watch(operations: readonly OperationDefinition[]): OperationDefinition[] {
    return operations.map((operation) => operation.method === 'GET' ? operation : {
      ...operation,
      handler: async (request) => {
        const response = await operation.handler(request);
        const apiIds = touchedApis(request.params, response.body);
        // Not even stored: say so rather than drop it quietly.
        if (request.body.canarySettings !== undefined) {
          this.#log.warn({ api: apiIds[0], operation: operation.name }, 'canarySettings are not supported by Archway yet and were ignored (no canary is served)');
        }
        for (const apiId of apiIds) await this.check(apiId).catch((error: unknown) => this.#log.warn({ err: error, api: apiId }, 'could not check what is not enforced'));
        return response;
      },
    });
  }
}
