// The change feed on SQLite: `write` runs a store write in one IMMEDIATE transaction, `record`
// appends its changes to the `changes` table inside it (AUTOINCREMENT: versions never go back,
// even after trimming), and listeners hear of them only once the transaction has committed.
// The oldest rows beyond `keep` are trimmed; a consumer behind them reloads everything.
import type { Database, Statement } from 'better-sqlite3';
import type { ChangeDescription, ChangeFeed, ChangeListener, ChangesSince, ConfigChange } from '../config-store.js';

interface ChangeRow { version: number; kind: string; api_id: string | null; name: string | null }

/** How many changes are kept for consumers that fell behind. */
export const DEFAULT_KEPT_CHANGES = 10_000;

export class SqliteChangeFeed implements ChangeFeed {
  readonly #db: Database;
  readonly #keep: number;
  readonly #sql: Record<'insert' | 'trim' | 'since' | 'oldest' | 'latest', Statement>;
  readonly #listeners = new Set<ChangeListener>();
  /** Recorded by the transaction in progress, told after it commits. */
  #pending: ConfigChange[] = [];

  constructor(db: Database, keep = DEFAULT_KEPT_CHANGES) {
    this.#db = db;
    this.#keep = keep;
    this.#sql = {
      insert: db.prepare('INSERT INTO changes (kind, api_id, name) VALUES (?, ?, ?)'),
      trim: db.prepare('DELETE FROM changes WHERE version <= ?'),
      since: db.prepare('SELECT version, kind, api_id, name FROM changes WHERE version > ? ORDER BY version'),
      oldest: db.prepare('SELECT MIN(version) FROM changes').pluck(),
      latest: db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'changes'").pluck(),
    };
  }

  /** Runs `body` as one transaction; its recorded changes are published after the commit. */
  write<T>(body: () => T): T {
    if (this.#db.inTransaction) return body();
    let result: T;
    try {
      result = this.#db.transaction(body).immediate();
    } catch (error) {
      this.#pending = [];
      throw error;
    }
    const committed = this.#pending;
    this.#pending = [];
    for (const change of committed) for (const listener of this.#listeners) listener(change);
    return result;
  }

  /** Appends a change; only valid inside `write`. */
  record(description: ChangeDescription): void {
    const apiId = 'apiId' in description ? description.apiId : null;
    const name = nameOf(description);
    const version = Number(this.#sql.insert.run(description.kind, apiId, name).lastInsertRowid);
    if (version > this.#keep) this.#sql.trim.run(version - this.#keep);
    this.#pending.push({ ...description, version } as ConfigChange);
  }

  configVersion(): number {
    return (this.#sql.latest.get() as number | undefined) ?? 0;
  }

  changesSince(version: number): ChangesSince {
    const oldest = this.#sql.oldest.get() as number | null;
    const complete = version >= this.configVersion() || (oldest !== null && oldest <= version + 1);
    if (!complete) return { changes: [], complete };
    return { changes: (this.#sql.since.all(version) as ChangeRow[]).map(toChange), complete };
  }

  subscribe(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** The `name` column: what the change is about, within its API when it has one. */
function nameOf(description: ChangeDescription): string | null {
  switch (description.kind) {
    case 'stage':
    case 'http-stage':
      return description.stageName;
    case 'function':
      return description.functionName;
    case 'api-key':
      return description.apiKeyId;
    case 'usage-plan':
      return description.usagePlanId;
    case 'iam-identity':
      return description.name;
    default:
      return null;
  }
}

function toChange(row: ChangeRow): ConfigChange {
  switch (row.kind) {
    case 'api-key':
      return { version: row.version, kind: 'api-key', apiKeyId: row.name ?? '' };
    case 'usage-plan':
      return { version: row.version, kind: 'usage-plan', usagePlanId: row.name ?? '' };
    case 'stage':
    case 'http-stage':
      return { version: row.version, kind: row.kind, apiId: row.api_id ?? '', stageName: row.name ?? '' };
    case 'function':
      return { version: row.version, kind: 'function', functionName: row.name ?? '' };
    case 'iam-identity':
      return { version: row.version, kind: 'iam-identity', name: row.name ?? '' };
    default:
      return { version: row.version, kind: row.kind as 'api-created' | 'api-deleted' | 'http-api-created' | 'http-api-deleted', apiId: row.api_id ?? '' };
  }
}
