// FunctionStore on the SQLite database the ConfigStore opened (migration 2): function
// documents as JSON, code zips as blobs keyed by hex SHA-256. Function writes publish a
// `function` change on the store's feed.
import type { Database, Statement } from 'better-sqlite3';
import type { FunctionDefinition } from '../../functions/model.js';
import type { FunctionStore } from '../function-store.js';
import type { SqliteChangeFeed } from './sqlite-change-feed.js';

interface DocRow { doc: string }

export class SqliteFunctionStore implements FunctionStore {
  readonly #db: Database;
  readonly #sql: Record<string, Statement>;
  readonly #feed: SqliteChangeFeed;

  constructor(db: Database, feed: SqliteChangeFeed) {
    this.#db = db;
    this.#feed = feed;
    this.#sql = {
      list: db.prepare('SELECT doc FROM lambda_functions ORDER BY name'),
      get: db.prepare('SELECT doc FROM lambda_functions WHERE name = ?'),
      insert: db.prepare('INSERT OR IGNORE INTO lambda_functions (name, doc) VALUES (?, ?)'),
      update: db.prepare('UPDATE lambda_functions SET doc = ? WHERE name = ?'),
      delete: db.prepare('DELETE FROM lambda_functions WHERE name = ?'),
      putCode: db.prepare('INSERT OR IGNORE INTO lambda_code (sha256, zip) VALUES (?, ?)'),
      getCode: db.prepare('SELECT zip FROM lambda_code WHERE sha256 = ?'),
      listCode: db.prepare('SELECT sha256 FROM lambda_code'),
      deleteCode: db.prepare('DELETE FROM lambda_code WHERE sha256 = ?'),
    };
  }

  listFunctions(): FunctionDefinition[] {
    return (this.#sql.list.all() as DocRow[]).map((row) => JSON.parse(row.doc) as FunctionDefinition);
  }

  getFunction(name: string): FunctionDefinition | undefined {
    const row = this.#sql.get.get(name) as DocRow | undefined;
    return row ? (JSON.parse(row.doc) as FunctionDefinition) : undefined;
  }

  createFunction(definition: FunctionDefinition): boolean {
    return this.#feed.write(() => {
      if (this.#sql.insert.run(definition.name, JSON.stringify(definition)).changes !== 1) return false;
      this.#feed.record({ kind: 'function', functionName: definition.name });
      return true;
    });
  }

  updateFunction<T>(name: string, mutate: (definition: FunctionDefinition) => T): { result: T } | undefined {
    return this.#feed.write(() => {
      const definition = this.getFunction(name);
      if (!definition) return undefined;
      const result = mutate(definition);
      this.#sql.update.run(JSON.stringify(definition), name);
      this.#feed.record({ kind: 'function', functionName: name });
      return { result };
    });
  }

  deleteFunction(name: string): boolean {
    return this.#feed.write(() => {
      if (this.#sql.delete.run(name).changes !== 1) return false;
      this.#feed.record({ kind: 'function', functionName: name });
      return true;
    });
  }

  putCode(sha256Hex: string, zip: Buffer): void {
    this.#sql.putCode.run(sha256Hex, zip);
  }

  getCode(sha256Hex: string): Buffer | undefined {
    const row = this.#sql.getCode.get(sha256Hex) as { zip: Buffer } | undefined;
    return row?.zip;
  }

  pruneCode(): void {
    this.#db.transaction(() => {
      const used = new Set<string>();
      for (const definition of this.listFunctions()) {
        for (const version of [definition.latest, ...Object.values(definition.versions)]) {
          if (version.code.kind === 'zip') used.add(version.code.sha256Hex);
        }
      }
      for (const { sha256 } of this.#sql.listCode.all() as { sha256: string }[]) {
        if (!used.has(sha256)) this.#sql.deleteCode.run(sha256);
      }
    }).immediate();
  }
}
