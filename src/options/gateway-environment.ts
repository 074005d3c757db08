// What the planes need to know about the process they run in (from ArchwayOptions).
import type { Limits } from './limits.js';

export interface GatewayEnvironment {
  region: string;
  accountId: string;
  limits: Limits;
}
