// IamStore on the SQLite database the ConfigStore opened (migration 5): users and roles as JSON
// documents keyed by name (NOCASE: IAM names are unique regardless of case), access keys with
// their user, going with it. Every write publishes an `iam-identity` change.
import type { Database, Statement } from 'better-sqlite3';
import type { IamAccessKeyRecord, IamRoleRecord, IamUserRecord } from '../../model/iam.js';
import type { IamStore } from '../iam-store.js';
import type { SqliteChangeFeed } from './sqlite-change-feed.js';

interface DocRow { doc: string }

type Table = 'iam_users' | 'iam_roles';

export class SqliteIamStore implements IamStore {
  readonly #sql: Record<string, Statement>;
  readonly #feed: SqliteChangeFeed;

  constructor(db: Database, feed: SqliteChangeFeed) {
    this.#feed = feed;
    const documents = (table: Table) => ({
      [`list:${table}`]: db.prepare(`SELECT doc FROM ${table} ORDER BY seq`),
      [`get:${table}`]: db.prepare(`SELECT doc FROM ${table} WHERE name = ?`),
      [`insert:${table}`]: db.prepare(`INSERT OR IGNORE INTO ${table} (name, doc) VALUES (?, ?)`),
      [`update:${table}`]: db.prepare(`UPDATE ${table} SET doc = ? WHERE name = ?`),
      [`delete:${table}`]: db.prepare(`DELETE FROM ${table} WHERE name = ?`),
    });
    this.#sql = {
      ...documents('iam_users'),
      ...documents('iam_roles'),
      listKeys: db.prepare('SELECT doc FROM iam_access_keys WHERE (@user IS NULL OR user_name = @user) ORDER BY seq'),
      insertKey: db.prepare('INSERT INTO iam_access_keys (id, user_name, doc) SELECT @id, name, @doc FROM iam_users WHERE name = @user'),
      deleteKey: db.prepare('DELETE FROM iam_access_keys WHERE id = ? AND user_name = ?'),
    };
  }

  listUsers(): IamUserRecord[] {
    return this.#list('iam_users');
  }

  getUser(userName: string): IamUserRecord | undefined {
    return this.#get('iam_users', userName);
  }

  createUser(user: IamUserRecord): boolean {
    return this.#create('iam_users', user.userName, user);
  }

  updateUser<T>(userName: string, mutate: (user: IamUserRecord) => T): { result: T } | undefined {
    return this.#update('iam_users', userName, mutate);
  }

  deleteUser(userName: string): boolean {
    return this.#delete('iam_users', userName);
  }

  listAccessKeys(userName?: string): IamAccessKeyRecord[] {
    return (this.#sql.listKeys.all({ user: userName ?? null }) as DocRow[]).map((row) => JSON.parse(row.doc) as IamAccessKeyRecord);
  }

  createAccessKey(key: IamAccessKeyRecord): boolean {
    return this.#feed.write(() => {
      if (this.#sql.insertKey.run({ id: key.accessKeyId, user: key.userName, doc: JSON.stringify(key) }).changes !== 1) return false;
      this.#feed.record({ kind: 'iam-identity', name: key.userName });
      return true;
    });
  }

  deleteAccessKey(userName: string, accessKeyId: string): boolean {
    return this.#feed.write(() => {
      if (this.#sql.deleteKey.run(accessKeyId, userName).changes !== 1) return false;
      this.#feed.record({ kind: 'iam-identity', name: userName });
      return true;
    });
  }

  listRoles(): IamRoleRecord[] {
    return this.#list('iam_roles');
  }

  getRole(roleName: string): IamRoleRecord | undefined {
    return this.#get('iam_roles', roleName);
  }

  createRole(role: IamRoleRecord): boolean {
    return this.#create('iam_roles', role.roleName, role);
  }

  updateRole<T>(roleName: string, mutate: (role: IamRoleRecord) => T): { result: T } | undefined {
    return this.#update('iam_roles', roleName, mutate);
  }

  deleteRole(roleName: string): boolean {
    return this.#delete('iam_roles', roleName);
  }

  #list<R>(table: Table): R[] {
    return (this.#sql[`list:${table}`].all() as DocRow[]).map((row) => JSON.parse(row.doc) as R);
  }

  #get<R>(table: Table, name: string): R | undefined {
    const row = this.#sql[`get:${table}`].get(name) as DocRow | undefined;
    return row ? (JSON.parse(row.doc) as R) : undefined;
  }

  #create(table: Table, name: string, doc: object): boolean {
    return this.#feed.write(() => {
      if (this.#sql[`insert:${table}`].run(name, JSON.stringify(doc)).changes !== 1) return false;
      this.#feed.record({ kind: 'iam-identity', name });
      return true;
    });
  }

  #update<R, T>(table: Table, name: string, mutate: (doc: R) => T): { result: T } | undefined {
    return this.#feed.write(() => {
      const doc = this.#get<R>(table, name);
      if (doc === undefined) return undefined;
      const result = mutate(doc);
      this.#sql[`update:${table}`].run(JSON.stringify(doc), name);
      this.#feed.record({ kind: 'iam-identity', name });
      return { result };
    });
  }

  #delete(table: Table, name: string): boolean {
    return this.#feed.write(() => {
      if (this.#sql[`delete:${table}`].run(name).changes !== 1) return false;
      this.#feed.record({ kind: 'iam-identity', name });
      return true;
    });
  }
}
