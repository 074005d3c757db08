// ApiKeys: CreateApiKey, GetApiKey(s), UpdateApiKey, DeleteApiKey (ImportApiKeys is
// api-key-import.ts). Values are sealed before the store sees them and opened only for
// `includeValue(s)`. https://docs.aws.amazon.com/apigateway/latest/api/API_CreateApiKey.html
// Messages and shapes recorded (LocalStack AWS snapshots,
// tests/aws/services/apigateway/test_apigateway_extended.snapshot.json) unless marked unverified.
import { badRequest, conflict, notFound } from '../../aws/errors.js';
import { epochSeconds, newApiKeyId, newApiKeyValue } from '../../aws/ids.js';
import type { ApiKeyRecord } from '../../model/usage-plans.js';
import type { SecretBox } from '../../secrets/secret-box.js';
import type { OperationDefinition } from '../route-table.js';
import type { ApiGatewayContext } from './context.js';
import { chosenId, CUSTOM_ID_TAG } from './rest-apis.js';
import { paginate } from './paging.js';
import { invalidPatchOp, patchPathMustBeOneOf, readPatchOperations, type PatchOperation } from './patch.js';
import { stageNotFound } from './stages.js';
import { optBoolean, optString, optStringMap, patchBoolean, throwIfErrors, type Body } from './validation.js';

export const MIN_VALUE_LENGTH = 20;
export const MAX_VALUE_LENGTH = 128;
const MAX_NAME_LENGTH = 1024;
const MAX_DESCRIPTION_LENGTH = 125000;
const REPLACEABLE = ['/description', '/enabled', '/name', '/customerId'];

export const apiKeyNotFound = () => notFound('Invalid API Key identifier specified'); // unverified

/** The value check CreateApiKey and ImportApiKeys share; undefined when the value is fine. */
export function valueProblem(value: string): string | undefined {
  if (value.length > MAX_VALUE_LENGTH) return `API Key value exceeds maximum size of ${MAX_VALUE_LENGTH} characters`;
  if (value.length < MIN_VALUE_LENGTH) return `API Key value should be at least ${MIN_VALUE_LENGTH} characters`;
  return undefined;
}

export const nameProblem = (name: string): string | undefined =>
  name.length > MAX_NAME_LENGTH ? `Invalid API Key name, can be at most ${MAX_NAME_LENGTH} characters.` : undefined;

function checkDescription(description: string | undefined): void {
  if (description !== undefined && description.length > MAX_DESCRIPTION_LENGTH) throw badRequest('Invalid API Key description specified.');
}

/** The fields a new key starts with (CreateApiKey's body, or an imported CSV row). */
export interface NewApiKey {
  name?: string;
  description?: string;
  enabled: boolean;
  customerId?: string;
  stageKeys?: string[];
  tags?: Record<string, string>;
  /** Plain text; sealed here. */
  value: string;
}

/** A new id no key has: writes replace a key by id, so a (very unlikely) clash must not reach the store. */
export function unusedApiKeyId(keys: Iterable<ApiKeyRecord>): string {
  const taken = new Set([...keys].map((key) => key.id));
  let id = newApiKeyId();
  while (taken.has(id)) id = newApiKeyId();
  return id;
}

export function newApiKeyRecord(fields: NewApiKey, secrets: SecretBox, id: string): ApiKeyRecord {
  const now = epochSeconds();
  const record: ApiKeyRecord = {
    id, enabled: fields.enabled, stageKeys: fields.stageKeys ?? [], createdDate: now, lastUpdatedDate: now, sealedValue: secrets.seal(fields.value),
  };
  // An empty name is no name (recorded).
  if (fields.name) record.name = fields.name;
  if (fields.description) record.description = fields.description;
  if (fields.customerId) record.customerId = fields.customerId;
  if (fields.tags && Object.keys(fields.tags).length > 0) record.tags = fields.tags;
  return record;
}

/**
 * The wire shape. `value` only when asked for (and on create); `tags` as `{}` on the answers
 * AWS gives it on (UpdateApiKey recorded; GetApiKey unverified), else only when there are tags.
 */
export function apiKeyOut(key: ApiKeyRecord, secrets: SecretBox, options: { value?: boolean; tags?: boolean } = {}): Record<string, unknown> {
  const { sealedValue, tags, ...out } = key;
  const wire: Record<string, unknown> = { ...out };
  if (options.value) wire.value = secrets.open(sealedValue);
  if (tags !== undefined || options.tags) wire.tags = tags ?? {};
  return wire;
}

/** The opened values of every key, for finding one by value (ImportApiKeys, duplicate checks). */
export function keysByValue(keys: readonly ApiKeyRecord[], secrets: SecretBox): Map<string, ApiKeyRecord> {
  return new Map(keys.map((key) => [secrets.open(key.sealedValue), key]));
}

/** Legacy `stageKeys` (`{restApiId, stageName}`) as AWS lists them: `{restApiId}/{stageName}`; each stage must exist. */
async function readStageKeys(ctx: ApiGatewayContext, body: Body): Promise<string[]> {
  const raw = body.stageKeys;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw badRequest('Invalid stage keys'); // unverified
  const out: string[] = [];
  for (const entry of raw as Body[]) {
    const restApiId = optString(entry ?? {}, 'restApiId');
    const stageName = optString(entry ?? {}, 'stageName');
    await checkStageExists(ctx, restApiId, stageName);
    out.push(`${restApiId}/${stageName}`);
  }
  return out;
}

async function checkStageExists(ctx: ApiGatewayContext, restApiId: string | undefined, stageName: string | undefined): Promise<void> {
  if (restApiId === undefined || stageName === undefined || (await ctx.store.getStage(restApiId, stageName)) === undefined) {
    throw stageNotFound(); // unverified for stage keys
  }
}

async function createApiKey(ctx: ApiGatewayContext, body: Body): Promise<Record<string, unknown>> {
  const name = optString(body, 'name');
  const nameError = name === undefined ? undefined : nameProblem(name);
  if (nameError) throw badRequest(nameError);
  // An empty value is no value: AWS generates one (recorded).
  const given = optString(body, 'value') || undefined;
  const valueError = given === undefined ? undefined : valueProblem(given);
  if (valueError) throw badRequest(valueError);
  const description = optString(body, 'description');
  checkDescription(description);
  optBoolean(body, 'generateDistinctId'); // accepted; ids are always distinct here
  const value = given ?? newApiKeyValue();
  const existing = await ctx.store.listApiKeys();
  const tags = optStringMap(body, 'tags');
  const customId = tags?.[CUSTOM_ID_TAG] === undefined ? undefined : chosenId('API key', tags[CUSTOM_ID_TAG]);
  if (customId !== undefined && existing.some((key) => key.id === customId)) throw conflict(`API key id '${customId}' is taken`); // Archway's own
  // Two keys with one value would make a request's key ambiguous. Message unverified.
  if (given !== undefined && keysByValue(existing, ctx.secrets).has(given)) throw conflict('API Key already exists');
  const record = newApiKeyRecord({
    name,
    description,
    enabled: optBoolean(body, 'enabled') ?? false,
    customerId: optString(body, 'customerId'),
    stageKeys: await readStageKeys(ctx, body),
    tags,
    value,
  }, ctx.secrets, customId ?? unusedApiKeyId(existing));
  await ctx.store.putApiKeys([record]);
  return apiKeyOut(record, ctx.secrets, { value: true });
}

/** The stages a patch adds as legacy stage keys exist (checked before the write, which cannot wait). */
async function checkAddedStages(ctx: ApiGatewayContext, operations: readonly PatchOperation[]): Promise<void> {
  for (const { op, path, value } of operations) {
    if (op !== 'add' || path !== '/stages') continue;
    const [restApiId, stageName] = (value ?? '').split('/');
    await checkStageExists(ctx, restApiId, stageName);
  }
}

function patchApiKey(key: ApiKeyRecord, operation: PatchOperation): void {
  const { op, path, value } = operation;
  if (op === 'add' || op === 'remove') {
    // Legacy stage keys: `{"op":"add","path":"/stages","value":"{restApiId}/{stageName}"}` (unverified).
    if (path !== '/stages') throw patchPathMustBeOneOf(path, op, ['/stages']); // unverified
    if (op === 'remove') key.stageKeys = key.stageKeys.filter((stageKey) => stageKey !== value);
    else if (value !== undefined && !key.stageKeys.includes(value)) key.stageKeys.push(value);
    return;
  }
  if (op !== 'replace') throw invalidPatchOp(['add', 'remove', 'replace']); // unverified
  if (path === undefined || !REPLACEABLE.includes(path)) throw patchPathMustBeOneOf(path, op, REPLACEABLE);
  switch (path) {
    case '/enabled':
      // Anything but "true" disables (recorded: "not-a-boolean" → false).
      key.enabled = patchBoolean(value);
      return;
    case '/description':
      checkDescription(value);
      setOptional(key, 'description', value);
      return;
    case '/name': {
      const problem = value === undefined ? undefined : nameProblem(value);
      if (problem) throw badRequest(problem);
      setOptional(key, 'name', value);
      return;
    }
    case '/customerId':
      setOptional(key, 'customerId', value);
  }
}

function setOptional(key: ApiKeyRecord, field: 'name' | 'description' | 'customerId', value: string | undefined): void {
  if (value) key[field] = value;
  else delete key[field];
}

export function apiKeyOperations(ctx: ApiGatewayContext): OperationDefinition[] {
  return [
    {
      name: 'CreateApiKey',
      method: 'POST',
      uri: '/apikeys',
      handler: async ({ body }) => ({ statusCode: 201, body: await createApiKey(ctx, body) }),
    },
    {
      name: 'GetApiKeys',
      method: 'GET',
      uri: '/apikeys',
      handler: async ({ query }) => {
        // `name` is a prefix, case-sensitive (recorded: no match for a suffix, an infix or another case).
        const name = query.get('name');
        const customerId = query.get('customerId');
        const keys = (await ctx.store.listApiKeys())
          .filter((key) => !name || (key.name ?? '').startsWith(name))
          .filter((key) => !customerId || key.customerId === customerId);
        const includeValues = query.get('includeValues') === 'true';
        const page = paginate(keys, query);
        return { statusCode: 200, body: { ...page, item: page.item.map((key) => apiKeyOut(key, ctx.secrets, { value: includeValues })) } };
      },
    },
    {
      name: 'GetApiKey',
      method: 'GET',
      uri: '/apikeys/{api_Key}',
      handler: async ({ params, query }) => {
        const key = await ctx.store.getApiKey(params.api_Key);
        if (!key) throw apiKeyNotFound();
        return { statusCode: 200, body: apiKeyOut(key, ctx.secrets, { value: query.get('includeValue') === 'true', tags: true }) };
      },
    },
    {
      name: 'UpdateApiKey',
      method: 'PATCH',
      uri: '/apikeys/{api_Key}',
      handler: async ({ params, body }) => {
        const errors: string[] = [];
        const operations = readPatchOperations(body, 'updateApiKeyInput', errors);
        throwIfErrors(errors);
        await checkAddedStages(ctx, operations);
        const outcome = await ctx.store.updateApiKey(params.api_Key, (key) => {
          for (const operation of operations) patchApiKey(key, operation);
          key.lastUpdatedDate = epochSeconds();
          return key;
        });
        if (!outcome) throw apiKeyNotFound();
        return { statusCode: 200, body: apiKeyOut(outcome.result, ctx.secrets, { tags: true }) };
      },
    },
    {
      name: 'DeleteApiKey',
      method: 'DELETE',
      uri: '/apikeys/{api_Key}',
      handler: async ({ params }) => {
        if (!(await ctx.store.deleteApiKey(params.api_Key))) throw apiKeyNotFound();
        return { statusCode: 202 };
      },
    },
  ];
}
