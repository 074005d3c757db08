// Process configuration for `archway start`: defaults, then environment variables, then
// flags (a flag beats its variable). Validated once at startup.
import type { LogFormat } from '../observability/logger.js';
import { LIMITS, type Limits } from './limits.js';
import type { UserPoolMapping } from '../auth/user-pools.js';

export interface ArchwayOptions {
  port: number;
  host: string;
  dataDir: string;
  inMemory: boolean;
  region: string;
  accountId: string;
  adminCredentials: { accessKeyId: string; secretAccessKey: string };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** `--log-format`: pretty when stdout is a terminal, JSON otherwise, unless given. */
  logFormat?: LogFormat;
  limits: Limits;
  /** `--import FILE`: an OpenAPI file imported and deployed to `importStage` at startup. */
  importFile?: string;
  importStage: string;
  /** The API id for `--import` (else the document's `_custom_id_` tag, else one derived from the file path). */
  importApiId?: string;
  /** `--watch`: re-import and redeploy `importFile` when it changes. */
  watch: boolean;
  /** `--functions PATH`: Lambda functions declared from a folder (one sub-folder each) or a YAML file, reloaded on change. */
  functionsPath?: string;
  /** `--enforce-lambda-permissions`: API Gateway may invoke a function only where its resource policy allows. */
  enforceLambdaPermissions: boolean;
  /** `--redis URL`: throttles and quotas shared through Redis; else each process keeps its own in memory. */
  redisUrl?: string;
  /** `--state-failure`: while Redis fails, serve without limits (`open`) or answer 500 (`closed`). */
  stateFailure: 'open' | 'closed';
  /** `--encryption-key`: seals secrets at rest (API key values); else the data directory's key file, or a per-process key in memory. */
  encryptionKey?: string;
  /** `--user-pool POOL=ISSUER`: who signs each Cognito user pool's tokens (a later mapping of a pool wins). */
  userPools: UserPoolMapping[];
}

export const DEFAULT_OPTIONS: ArchwayOptions = {
  port: 4566,
  host: '127.0.0.1',
  dataDir: './.archway',
  inMemory: false,
  region: 'us-east-1',
  accountId: '000000000000',
  adminCredentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  logLevel: 'info',
  limits: { ...LIMITS },
  importStage: 'dev',
  watch: false,
  enforceLambdaPermissions: false,
  stateFailure: 'open',
  userPools: [],
};
