// Minimal store records for tests that exercise the ConfigStore and its consumers directly
// (the conformance suite, the change feed): an empty REST API, a deployment of it, a stage,
// a Lambda function with zip code, an API key (its value "sealed" as a plain marker: the store
// never opens it), a usage plan, and IAM users, access keys and roles.
import type { IamAccessKeyRecord, IamRoleRecord, IamUserRecord } from '../../src/model/iam.js';
import type { DeploymentRecord, RestApiDefinition, StageRecord } from '../../src/model/rest-api.js';
import type { FunctionDefinition } from '../../src/functions/model.js';
import type { ApiKeyRecord, UsagePlanRecord } from '../../src/model/usage-plans.js';

export const restApiRecord = (id: string, createdDate = 1): RestApiDefinition => ({
  api: { id, name: id, createdDate, apiKeySource: 'HEADER', endpointConfiguration: { types: ['EDGE'] }, disableExecuteApiEndpoint: false, rootResourceId: 'root000001' },
  resources: { root000001: { id: 'root000001', path: '/' } },
  models: {},
  requestValidators: {},
  gatewayResponses: {},
});

export const deploymentRecord = (restApiId: string, id: string, createdDate = 2): DeploymentRecord => ({
  id, restApiId, createdDate, snapshot: restApiRecord(restApiId),
});

export const stageRecord = (restApiId: string, stageName: string, deploymentId: string): StageRecord => ({
  restApiId, stageName, deploymentId, cacheClusterEnabled: false, cacheClusterStatus: 'NOT_AVAILABLE', methodSettings: {}, tracingEnabled: false,
  createdDate: 3, lastUpdatedDate: 3,
});

export const functionRecord = (name: string, sha256Hex = 'a'.repeat(64)): FunctionDefinition => ({
  name,
  latest: {
    FunctionName: name, FunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`, Runtime: 'nodejs20.x', Role: 'arn:aws:iam::000000000000:role/r',
    Handler: 'index.handler', CodeSize: 1, Description: '', Timeout: 3, MemorySize: 128, LastModified: '2026-01-01T00:00:00.000+0000',
    CodeSha256: 'x', Version: '$LATEST', RevisionId: 'r1', Architectures: ['x86_64'], code: { kind: 'zip', sha256Hex },
  },
  versions: {},
  aliases: {},
  policies: {},
  nextVersion: 1,
});

export const apiKeyRecord = (id: string, name = id): ApiKeyRecord => ({
  id, name, enabled: true, stageKeys: [], createdDate: 4, lastUpdatedDate: 4, sealedValue: `v1:sealed-${id}`,
});

export const usagePlanRecord = (id: string, apiStages: UsagePlanRecord['apiStages'] = []): UsagePlanRecord => ({ id, name: id, apiStages });

export function iamUserRecord(userName: string): IamUserRecord {
  return { userName, userId: `AIDA${userName.toUpperCase()}`, path: '/', arn: `arn:aws:iam::123456789012:user/${userName}`, createDate: 1, tags: [], policies: {} };
}

export function iamAccessKeyRecord(accessKeyId: string, userName: string): IamAccessKeyRecord {
  return { accessKeyId, userName, status: 'Active', createDate: 1, sealedSecret: `v1:sealed-${accessKeyId}` };
}

export function iamRoleRecord(roleName: string): IamRoleRecord {
  return {
    roleName, roleId: `AROA${roleName.toUpperCase()}`, path: '/', arn: `arn:aws:iam::123456789012:role/${roleName}`, createDate: 1,
    assumeRolePolicyDocument: '{"Statement":[]}', maxSessionDuration: 3600, tags: [], policies: {}, attachedPolicies: [],
  };
}
