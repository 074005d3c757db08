// Schema migrations for the SQLite store, tracked with PRAGMA user_version.
import type { Database } from 'better-sqlite3';

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE rest_apis (
     id TEXT PRIMARY KEY,
     created_date INTEGER NOT NULL,
     doc TEXT NOT NULL
   );
   CREATE TABLE deployments (
     rest_api_id TEXT NOT NULL REFERENCES rest_apis(id) ON DELETE CASCADE,
     id TEXT NOT NULL,
     created_date INTEGER NOT NULL,
     doc TEXT NOT NULL,
     PRIMARY KEY (rest_api_id, id)
   );
   CREATE TABLE stages (
     rest_api_id TEXT NOT NULL REFERENCES rest_apis(id) ON DELETE CASCADE,
     stage_name TEXT NOT NULL,
     doc TEXT NOT NULL,
     PRIMARY KEY (rest_api_id, stage_name)
   );`,
  // 2: Lambda functions (documents) and their code zips, content-addressed.
  `CREATE TABLE lambda_functions (
     name TEXT PRIMARY KEY,
     doc TEXT NOT NULL
   );
   CREATE TABLE lambda_code (
     sha256 TEXT PRIMARY KEY,
     zip BLOB NOT NULL
   );`,
  // 3: the change feed (config-store.ts): one row per committed change, trimmed from the oldest.
  `CREATE TABLE changes (
     version INTEGER PRIMARY KEY AUTOINCREMENT,
     kind TEXT NOT NULL,
     api_id TEXT,
     name TEXT
   );`,
  // 4: API keys (values sealed in the document), usage plans and their keys. `seq` keeps the
  // creation order the lists answer in; memberships go with their key or plan.
  `CREATE TABLE api_keys (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     doc TEXT NOT NULL
   );
   CREATE TABLE usage_plans (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     doc TEXT NOT NULL
   );
   CREATE TABLE usage_plan_keys (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     usage_plan_id TEXT NOT NULL REFERENCES usage_plans(id) ON DELETE CASCADE,
     key_id TEXT NOT NULL REFERENCES api_keys(id) ON DELETE CASCADE,
     UNIQUE (usage_plan_id, key_id)
   );
   CREATE INDEX usage_plan_keys_by_key ON usage_plan_keys (key_id);`,
  // 5: IAM users and roles (documents; names unique regardless of case, as IAM's are) and access
  // keys (secrets sealed in the document), which go with their user.
  `CREATE TABLE iam_users (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     name TEXT NOT NULL UNIQUE COLLATE NOCASE,
     doc TEXT NOT NULL
   );
   CREATE TABLE iam_access_keys (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     user_name TEXT NOT NULL REFERENCES iam_users(name) ON DELETE CASCADE ON UPDATE CASCADE,
     doc TEXT NOT NULL
   );
   CREATE INDEX iam_access_keys_by_user ON iam_access_keys (user_name);
   CREATE TABLE iam_roles (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     name TEXT NOT NULL UNIQUE COLLATE NOCASE,
     doc TEXT NOT NULL
   );`,
  // 6: HTTP APIs (working copies), their deployments (`seq`: newest first) and stages, which go
  // with their API.
  `CREATE TABLE http_apis (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     doc TEXT NOT NULL
   );
   CREATE TABLE http_deployments (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     api_id TEXT NOT NULL REFERENCES http_apis(id) ON DELETE CASCADE,
     id TEXT NOT NULL,
     doc TEXT NOT NULL,
     UNIQUE (api_id, id)
   );
   CREATE TABLE http_stages (
     api_id TEXT NOT NULL REFERENCES http_apis(id) ON DELETE CASCADE,
     stage_name TEXT NOT NULL,
     doc TEXT NOT NULL,
     PRIMARY KEY (api_id, stage_name)
   );`,
];

export function migrate(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
