// Where IAM identities live: users with their inline policies, their access keys (secrets
// sealed), and roles. Part of the ConfigStore (store.iam); SQLite implements it in
// sqlite/sqlite-iam-store.ts. Every write publishes an `iam-identity` change naming the user or
// role, which the data plane's identity table follows.
import type { IamAccessKeyRecord, IamRoleRecord, IamUserRecord } from '../model/iam.js';
import type { Awaitable } from './config-store.js';

export interface IamStore {
  /** Users in creation order. */
  listUsers(): Awaitable<IamUserRecord[]>;
  /** By name, case-insensitively (IAM names are unique regardless of case). */
  getUser(userName: string): Awaitable<IamUserRecord | undefined>;
  /** Inserts a new user; false when the name is taken. */
  createUser(user: IamUserRecord): Awaitable<boolean>;
  /** Atomic read-modify-write; undefined (nothing written) when the user does not exist. */
  updateUser<T>(userName: string, mutate: (user: IamUserRecord) => T): Awaitable<{ result: T } | undefined>;
  /** Deletes the user and its access keys. */
  deleteUser(userName: string): Awaitable<boolean>;

  /** Access keys in creation order, of one user or all. */
  listAccessKeys(userName?: string): Awaitable<IamAccessKeyRecord[]>;
  /** Adds a key; false when its user does not exist. */
  createAccessKey(key: IamAccessKeyRecord): Awaitable<boolean>;
  deleteAccessKey(userName: string, accessKeyId: string): Awaitable<boolean>;

  listRoles(): Awaitable<IamRoleRecord[]>;
  getRole(roleName: string): Awaitable<IamRoleRecord | undefined>;
  createRole(role: IamRoleRecord): Awaitable<boolean>;
  updateRole<T>(roleName: string, mutate: (role: IamRoleRecord) => T): Awaitable<{ result: T } | undefined>;
  deleteRole(roleName: string): Awaitable<boolean>;
}
