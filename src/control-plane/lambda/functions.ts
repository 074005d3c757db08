// Functions: CreateFunction (Code.ZipFile), GetFunction, GetFunctionConfiguration,
// ListFunctions, UpdateFunctionCode, UpdateFunctionConfiguration, DeleteFunction.
// https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html
// Messages: LocalStack's (recorded against AWS) unless marked unverified.
import { AwsServiceError } from '../../aws/errors.js';
import { functionNotFound, invalidParameter, preconditionFailed, requestTooLarge, resourceConflict } from '../../functions/errors.js';
import { LATEST, lambdaDate, NODE_RUNTIMES, type FunctionDefinition, type FunctionVersionRecord, type NodeRuntime } from '../../functions/model.js';
import { newRevisionId } from '../../functions/registry.js';
import { validateZip, ZipError } from '../../functions/zip.js';
import type { OperationDefinition } from '../route-table.js';
import { optBoolean, optNumber, optObject, optString, optStringMap, validationException, type Body } from '../apigateway/validation.js';
import type { LambdaContext } from './context.js';
import { codeDigest, configurationOut, json, lambdaOperation } from './wire.js';

export const DEFAULT_TIMEOUT_SECONDS = 3;
export const DEFAULT_MEMORY_MB = 128;
/** Zipped deployment package limit for direct uploads (Lambda quotas: 50 MB). */
export const MAX_ZIP_BYTES = 50 * 1024 * 1024;

/** Keys Lambda sets itself; a function may not (AWS's message, observed). */
const RESERVED_ENVIRONMENT_KEYS = new Set([
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV', 'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION', 'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME', 'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
]);

const ROLE = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const ENV_KEY = /^[a-zA-Z]([a-zA-Z0-9_])+$/;

export interface ConfigurationFields {
  Runtime?: string;
  Handler?: string;
  Role?: string;
  Description?: string;
  Timeout?: number;
  MemorySize?: number;
  Environment?: { Variables: Record<string, string> };
}

/** The configuration members CreateFunction and UpdateFunctionConfiguration share, checked. */
export function readConfiguration(body: Body): ConfigurationFields {
  const fields: ConfigurationFields = {};
  const errors: string[] = [];
  const runtime = optString(body, 'Runtime');
  if (runtime !== undefined) {
    if (!(NODE_RUNTIMES as readonly string[]).includes(runtime)) {
      // AWS accepts every Lambda runtime; Archway runs the Node ones (Archway's own message).
      throw invalidParameter(`The runtime parameter of ${runtime} is not supported by Archway. Supported runtimes: ${NODE_RUNTIMES.join(', ')}.`);
    }
    fields.Runtime = runtime;
  }
  const handler = optString(body, 'Handler');
  if (handler !== undefined) {
    if (!/^[^\s]+$/.test(handler) || handler.length > 128) {
      errors.push(`Value '${handler}' at 'handler' failed to satisfy constraint: Member must satisfy regular expression pattern: [^\\s]+`);
    }
    fields.Handler = handler;
  }
  const role = optString(body, 'Role');
  if (role !== undefined) {
    if (!ROLE.test(role)) {
      errors.push(`Value '${role}' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+`);
    }
    fields.Role = role;
  }
  const description = optString(body, 'Description');
  if (description !== undefined) {
    if (description.length > 256) errors.push(`Value '${description}' at 'description' failed to satisfy constraint: Member must have length less than or equal to 256`);
    fields.Description = description;
  }
  const timeout = optNumber(body, 'Timeout');
  if (timeout !== undefined) {
    if (timeout < 1) errors.push(`Value '${timeout}' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1`);
    if (timeout > 900) errors.push(`Value '${timeout}' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900`);
    fields.Timeout = Math.trunc(timeout);
  }
  const memory = optNumber(body, 'MemorySize');
  if (memory !== undefined) {
    if (memory < 128) errors.push(`Value '${memory}' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128`);
    if (memory > 10240) errors.push(`Value '${memory}' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to 10240`);
    fields.MemorySize = Math.trunc(memory);
  }
  if (errors.length > 0) throw validationException(errors);
  const environment = optObject(body, 'Environment');
  if (environment !== undefined) {
    const variables = optStringMap(environment, 'Variables') ?? {};
    const reserved = Object.keys(variables).filter((key) => RESERVED_ENVIRONMENT_KEYS.has(key));
    if (reserved.length > 0) {
      throw invalidParameter(`Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`);
    }
    const badKey = Object.keys(variables).find((key) => !ENV_KEY.test(key));
    if (badKey !== undefined) {
      throw validationException([`Value '{${badKey}=${variables[badKey]}}' at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]`]);
    }
    fields.Environment = { Variables: variables };
  }
  return fields;
}

/** Decodes `ZipFile` (base64 in JSON) and checks that it unpacks (inflated off the main thread). */
export async function readZipFile(body: Body): Promise<Buffer> {
  const encoded = optString(body, 'ZipFile');
  if (encoded === undefined) {
    if (body.S3Bucket !== undefined || body.ImageUri !== undefined) {
      throw invalidParameter('Archway takes function code as ZipFile only (S3 and container images are not supported).');
    }
    throw invalidParameter('Please provide a source for function code.'); // unverified
  }
  const zip = Buffer.from(encoded, 'base64');
  if (zip.length > MAX_ZIP_BYTES) throw requestTooLarge(`Zipped size must be smaller than ${MAX_ZIP_BYTES} bytes`);
  try {
    await validateZip(zip);
  } catch (error) {
    if (error instanceof ZipError) throw invalidParameter('Could not unzip uploaded file. Please check your file, then try to upload again.');
    throw error;
  }
  return zip;
}

/** Stores the zip (content-addressed) and answers the code fields of a version. */
async function storeCode(ctx: LambdaContext, zip: Buffer): Promise<Pick<FunctionVersionRecord, 'code' | 'CodeSha256' | 'CodeSize'>> {
  const digest = codeDigest(zip);
  await ctx.store.putCode(digest.hex, zip);
  return { code: { kind: 'zip', sha256Hex: digest.hex }, CodeSha256: digest.base64, CodeSize: zip.length };
}

export function checkRevision(expected: string | undefined, actual: string): void {
  if (expected !== undefined && expected !== actual) {
    throw preconditionFailed('The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id');
  }
}

/** The next version number, as PublishVersion would publish it (shared with Publish: true). */
export function publishLatest(ctx: LambdaContext, definition: FunctionDefinition, description?: string): FunctionVersionRecord {
  const latest = definition.latest;
  // Publishing an unchanged $LATEST returns the version already published (AWS behaviour).
  const newest = Object.values(definition.versions).sort((a, b) => Number(b.Version) - Number(a.Version))[0];
  if (newest !== undefined && sameCodeAndConfiguration(newest, latest)) return newest;
  const number = String(definition.nextVersion++);
  const version: FunctionVersionRecord = {
    ...structuredClone(latest),
    Version: number,
    FunctionArn: ctx.registry.arn(definition.name, number),
    Description: description ?? latest.Description,
    RevisionId: newRevisionId(),
  };
  definition.versions[number] = version;
  return version;
}

function sameCodeAndConfiguration(a: FunctionVersionRecord, b: FunctionVersionRecord): boolean {
  return a.CodeSha256 === b.CodeSha256 && a.Handler === b.Handler && a.Runtime === b.Runtime && a.Timeout === b.Timeout
    && a.MemorySize === b.MemorySize && a.Role === b.Role && JSON.stringify(a.Environment ?? {}) === JSON.stringify(b.Environment ?? {});
}

export function functionOperations(ctx: LambdaContext): OperationDefinition[] {
  const { registry } = ctx;
  const operations: OperationDefinition[] = [
    {
      name: 'CreateFunction',
      method: 'POST',
      uri: '/2015-03-31/functions',
      handler: async ({ body }) => {
        const name = optString(body, 'FunctionName') ?? '';
        const located = registry.locate(name);
        if (located.qualifier !== undefined || !FUNCTION_NAME.test(located.name)) {
          throw validationException([`Value '${name}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)`]);
        }
        if ((optString(body, 'PackageType') ?? 'Zip') !== 'Zip') throw invalidParameter('Archway runs Zip packages only.');
        const fields = readConfiguration(body);
        if (fields.Role === undefined) throw validationException([`Value null at 'role' failed to satisfy constraint: Member must not be null`]);
        if (fields.Runtime === undefined || fields.Handler === undefined) {
          throw invalidParameter('Runtime and Handler are mandatory parameters for functions created with deployment packages.');
        }
        const zip = await readZipFile(optObject(body, 'Code') ?? {});
        if (registry.get(located.name) !== undefined) throw resourceConflict(`Function already exist: ${located.name}`);
        const code = await storeCode(ctx, zip);
        const latest: FunctionVersionRecord = {
          FunctionName: located.name,
          FunctionArn: registry.arn(located.name),
          Runtime: fields.Runtime as NodeRuntime,
          Role: fields.Role,
          Handler: fields.Handler,
          Description: fields.Description ?? '',
          Timeout: fields.Timeout ?? DEFAULT_TIMEOUT_SECONDS,
          MemorySize: fields.MemorySize ?? DEFAULT_MEMORY_MB,
          LastModified: lambdaDate(),
          Version: LATEST,
          RevisionId: newRevisionId(),
          Architectures: [optArchitecture(body)],
          ...code,
          ...(fields.Environment ? { Environment: fields.Environment } : {}),
        };
        const definition: FunctionDefinition = { name: located.name, latest, versions: {}, aliases: {}, policies: {}, nextVersion: 1 };
        const tags = optStringMap(body, 'Tags');
        if (tags !== undefined && Object.keys(tags).length > 0) definition.tags = tags;
        let answer = latest;
        if (optBoolean(body, 'Publish') === true) answer = publishLatest(ctx, definition);
        await registry.create(definition);
        return json(201, configurationOut(answer));
      },
    },
    {
      name: 'GetFunction',
      method: 'GET',
      uri: '/2015-03-31/functions/{FunctionName}',
      handler: ({ params, query }) => {
        const resolved = registry.resolve(params.FunctionName, query.get('Qualifier') ?? undefined);
        const body: Record<string, unknown> = {
          Configuration: configurationOut(resolved.version),
          // The zip is kept by Archway; no download location is served (Archway's own choice).
          Code: { RepositoryType: 'S3' },
        };
        if (resolved.definition.tags !== undefined) body.Tags = resolved.definition.tags;
        return json(200, body);
      },
    },
    {
      name: 'GetFunctionConfiguration',
      method: 'GET',
      uri: '/2015-03-31/functions/{FunctionName}/configuration',
      handler: ({ params, query }) => json(200, configurationOut(registry.resolve(params.FunctionName, query.get('Qualifier') ?? undefined).version)),
    },
    {
      name: 'ListFunctions',
      method: 'GET',
      uri: '/2015-03-31/functions',
      handler: ({ query }) => {
        const all = query.get('FunctionVersion') === 'ALL';
        const versions = registry.list().flatMap((definition) => (all
          ? [definition.latest, ...Object.values(definition.versions).sort((a, b) => Number(a.Version) - Number(b.Version))]
          : [definition.latest]));
        return json(200, page(versions.map(configurationOut), query, 'Functions'));
      },
    },
    {
      name: 'UpdateFunctionCode',
      method: 'PUT',
      uri: '/2015-03-31/functions/{FunctionName}/code',
      handler: async ({ params, body }) => {
        const { name } = locateUnqualified(ctx, params.FunctionName);
        const zip = await readZipFile(body);
        if (body.DryRun === true) return json(200, configurationOut(registry.require(name).latest));
        const code = await storeCode(ctx, zip);
        const expected = optString(body, 'RevisionId');
        const publish = optBoolean(body, 'Publish') === true;
        const answer = await registry.update(name, (definition) => {
          checkRevision(expected, definition.latest.RevisionId);
          Object.assign(definition.latest, code, { LastModified: lambdaDate(), RevisionId: newRevisionId() });
          return publish ? publishLatest(ctx, definition) : definition.latest;
        });
        await ctx.store.pruneCode();
        return json(200, configurationOut(answer));
      },
    },
    {
      name: 'UpdateFunctionConfiguration',
      method: 'PUT',
      uri: '/2015-03-31/functions/{FunctionName}/configuration',
      handler: async ({ params, body }) => {
        const { name } = locateUnqualified(ctx, params.FunctionName);
        const fields = readConfiguration(body);
        const expected = optString(body, 'RevisionId');
        const latest = await registry.update(name, (definition) => {
          checkRevision(expected, definition.latest.RevisionId);
          const target = definition.latest;
          if (fields.Runtime !== undefined) target.Runtime = fields.Runtime as NodeRuntime;
          if (fields.Handler !== undefined) target.Handler = fields.Handler;
          if (fields.Role !== undefined) target.Role = fields.Role;
          if (fields.Description !== undefined) target.Description = fields.Description;
          if (fields.Timeout !== undefined) target.Timeout = fields.Timeout;
          if (fields.MemorySize !== undefined) target.MemorySize = fields.MemorySize;
          if (fields.Environment !== undefined) {
            if (Object.keys(fields.Environment.Variables).length > 0) target.Environment = fields.Environment;
            else delete target.Environment;
          }
          target.LastModified = lambdaDate();
          target.RevisionId = newRevisionId();
          return target;
        });
        return json(200, configurationOut(latest));
      },
    },
    {
      name: 'DeleteFunction',
      method: 'DELETE',
      uri: '/2015-03-31/functions/{FunctionName}',
      handler: async ({ params, query }) => {
        const { name, qualifier } = registry.locate(params.FunctionName, query.get('Qualifier') ?? undefined);
        if (qualifier === undefined) {
          await registry.delete(name);
          return { statusCode: 204 };
        }
        if (qualifier === LATEST) {
          // AWS refuses deleting $LATEST by qualifier (LocalStack, recorded).
          throw invalidParameter('$LATEST version cannot be deleted without deleting the function.');
        }
        await registry.update(name, (definition) => {
          if (definition.versions[qualifier] === undefined) throw functionNotFound(registry.arn(name, qualifier));
          const aliases = Object.values(definition.aliases).filter((alias) => alias.FunctionVersion === qualifier).map((alias) => alias.AliasArn);
          if (aliases.length > 0) {
            throw resourceConflict(`Unable to delete version because the following aliases reference it: [${aliases.join(', ')}]`); // unverified
          }
          delete definition.versions[qualifier];
          delete definition.policies[qualifier];
        });
        await ctx.store.pruneCode();
        return { statusCode: 204 };
      },
    },
  ];
  return operations.map(lambdaOperation);
}

/** Operations on the function itself refuse a qualified name. */
export function locateUnqualified(ctx: LambdaContext, functionName: string): { name: string } {
  const { name, qualifier } = ctx.registry.locate(functionName);
  if (qualifier !== undefined) {
    throw new AwsServiceError('InvalidParameterValueException', 400, 'Unsupported qualifier for this operation.'); // unverified wording
  }
  return { name };
}

function optArchitecture(body: Body): string {
  const list = body.Architectures;
  if (list === undefined || list === null) return 'x86_64';
  if (!Array.isArray(list) || list.length !== 1 || (list[0] !== 'x86_64' && list[0] !== 'arm64')) {
    throw validationException([`Value '${JSON.stringify(list)}' at 'architectures' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]`]);
  }
  return list[0] as string;
}

/** Marker/MaxItems paging (max 50 per page, as the API reference states). */
export function page<T>(items: T[], query: URLSearchParams, key: string): Record<string, unknown> {
  const start = Number(query.get('Marker') ?? 0) || 0;
  const max = Math.min(Math.max(Number(query.get('MaxItems') ?? 50) || 50, 1), 50);
  const slice = items.slice(start, start + max);
  const out: Record<string, unknown> = { [key]: slice };
  if (start + max < items.length) out.NextMarker = String(start + max);
  return out;
}
