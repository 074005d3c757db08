// Logs, when an API is written (SDK, CLI, OpenAPI import), the settings it now holds that
// Archway stores but does not act on yet (not-enforced.ts), once each: a warning names the API
// and the method or stage, so nothing is accepted silently.
import type { Logger } from '../../observability/logger.js';
import type { ConfigStore } from '../../store/config-store.js';
import type { OperationDefinition } from '../route-table.js';
import { notEnforcedIn } from './not-enforced.js';

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
    return lines;
  }

  /** Logs what the API holds that is not enforced and was not reported before. */
  async check(apiId: string): Promise<void> {
    const definition = await this.#store.getDefinition(apiId);
    if (definition === undefined) {
      this.#reported.delete(apiId);
      return;
    }
    const found = notEnforcedIn(definition, await this.#store.listStages(apiId));
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
        const apiId = request.params.restapi_id ?? (response.body as { id?: unknown } | undefined)?.id;
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
