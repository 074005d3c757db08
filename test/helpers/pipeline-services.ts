// What pipeline steps share, built for unit tests that run steps directly: memory state, a
// silent logger, an in-memory store behind the IAM callers, no user pools.
import type { PipelineServices } from '../../src/data-plane/pipeline/context.js';
import { createLogger } from '../../src/observability/logger.js';
import { LIMITS } from '../../src/options/limits.js';
import { RequestBodies } from '../../src/request-body.js';
import { MemoryRateLimiter } from '../../src/state/memory-rate-limiter.js';
import { MemoryQuotaCounter } from '../../src/state/memory-quota-counter.js';
import { MemoryAuthorizerCache } from '../../src/state/memory-authorizer-cache.js';
import { UserPoolVerifier } from '../../src/auth/user-pool-verifier.js';
import { IamCallersTable } from '../../src/data-plane/auth/iam-callers.js';
import { JwtAuthorizers } from '../../src/auth/jwt-authorizer.js';
import { SqliteConfigStore } from '../../src/store/sqlite/sqlite-config-store.js';
import { SecretBox } from '../../src/secrets/secret-box.js';

export function testServices(accountId = '000000000000'): PipelineServices {
  return {
    env: { region: 'us-east-1', accountId, limits: { ...LIMITS } },
    log: createLogger('silent'),
    bodies: new RequestBodies(LIMITS),
    metering: {
      usagePlans: { keyOf: () => undefined },
      rateLimiter: new MemoryRateLimiter(Date.now),
      quotaCounter: new MemoryQuotaCounter(Date.now),
      account: { rate: LIMITS.accountRateLimit, burst: LIMITS.accountBurstLimit },
    },
    authorizerCache: new MemoryAuthorizerCache(),
    userPools: new UserPoolVerifier({ pools: [] }),
    iam: new IamCallersTable(new SqliteConfigStore(':memory:'), SecretBox.ephemeral(), { accessKeyId: 'test', secretAccessKey: 'test' }, accountId, createLogger('silent')),
    jwtAuthorizers: new JwtAuthorizers(),
  };
}
