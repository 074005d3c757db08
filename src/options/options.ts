// Process configuration for `archway start`: defaults, then environment variables, then
// flags (a flag beats its variable). Validated once at startup.
import { LIMITS, type Limits } from './limits.js';

export interface ArchwayOptions {
  port: number;
  host: string;
  dataDir: string;
  inMemory: boolean;
  region: string;
  accountId: string;
  adminCredentials: { accessKeyId: string; secretAccessKey: string };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  limits: Limits;
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
};
