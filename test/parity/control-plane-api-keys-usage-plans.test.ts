// AWS parity: ApiKeys, UsagePlans and UsagePlanKeys of the apigateway control plane through the
// real AWS SDK v3 client, and API key values sealed at rest. Expected shapes and messages are
// AWS-recorded (LocalStack snapshots) or from AWS error reports unless the implementation marks
// them unverified.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  APIGatewayClient, CreateApiKeyCommand, CreateDeploymentCommand, CreateRestApiCommand, CreateUsagePlanCommand, CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand, DeleteStageCommand, DeleteUsagePlanCommand, DeleteUsagePlanKeyCommand, GetApiKeyCommand, GetApiKeysCommand,
  GetUsagePlanCommand, GetUsagePlanKeyCommand, GetUsagePlanKeysCommand, GetUsagePlansCommand, ImportApiKeysCommand, PutIntegrationCommand,
  PutMethodCommand, UpdateApiKeyCommand, UpdateUsagePlanCommand,
} from '@aws-sdk/client-api-gateway';
import { startArchway, type TestArchway } from '../helpers/archway.js';
import { expectError } from '../helpers/aws-errors.js';

let archway: TestArchway;
let client: APIGatewayClient;

beforeAll(async () => {
  archway = await startArchway();
  client = archway.apigateway;
});
afterAll(async () => {
  await archway?.stop();
});

let unique = 0;
/** A name no other test uses, so list queries by name prefix see only this test's keys. */
const uniqueName = (label: string) => `${label}-${process.pid}-${++unique}`;

/** An API with GET /pets → MOCK, deployed to `dev`. */
async function deployedApi(): Promise<string> {
  const api = await client.send(new CreateRestApiCommand({ name: 'keys' }));
  await client.send(new PutMethodCommand({ restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'GET', authorizationType: 'NONE', apiKeyRequired: true }));
  await client.send(new PutIntegrationCommand({ restApiId: api.id, resourceId: api.rootResourceId, httpMethod: 'GET', type: 'MOCK' }));
  await client.send(new CreateDeploymentCommand({ restApiId: api.id, stageName: 'dev' }));
  return api.id!;
}

const send = <T>(command: T) => client.send(command as never) as Promise<Record<string, unknown> & { $metadata: { httpStatusCode?: number } }>;
/** The answer without the SDK's metadata, dates as the SDK parses them. */
const wire = ({ $metadata: _metadata, ...rest }: Record<string, unknown>) => rest;

describe('ApiKeys', () => {
  it('creates a key with a generated value and answers AWS\'s shapes', async () => {
    const name = uniqueName('generated');
    const created = await send(new CreateApiKeyCommand({ name }));
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(Object.keys(wire(created)).sort()).toEqual(['createdDate', 'enabled', 'id', 'lastUpdatedDate', 'name', 'stageKeys', 'value']);
    expect(created).toMatchObject({ name, enabled: false, stageKeys: [] });
    expect(created.id).toMatch(/^[a-z0-9]{10}$/);
    expect(created.value).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(created.createdDate).toBeInstanceOf(Date);

    const got = await send(new GetApiKeyCommand({ apiKey: created.id as string }));
    expect(got.value).toBeUndefined();
    expect(got.tags).toEqual({});
    expect((await send(new GetApiKeyCommand({ apiKey: created.id as string, includeValue: true }))).value).toBe(created.value);
  });

  it('takes a given value and the optional fields', async () => {
    const value = 'given-value-0123456789-abcdefghij';
    const created = await send(new CreateApiKeyCommand({
      name: uniqueName('given'), description: 'for a partner', enabled: true, value, customerId: 'cust-1', tags: { team: 'a' },
    }));
    expect(created).toMatchObject({ description: 'for a partner', enabled: true, value, customerId: 'cust-1', tags: { team: 'a' } });
    await expectError(client.send(new CreateApiKeyCommand({ value })), 'ConflictException', 'API Key already exists', 409);
  });

  it('refuses bad names, values and descriptions with AWS\'s messages', async () => {
    await expectError(client.send(new CreateApiKeyCommand({ value: 'short' })), 'BadRequestException', 'API Key value should be at least 20 characters', 400);
    await expectError(client.send(new CreateApiKeyCommand({ value: 'a'.repeat(129) })), 'BadRequestException', 'API Key value exceeds maximum size of 128 characters', 400);
    await expectError(client.send(new CreateApiKeyCommand({ name: 'a'.repeat(1025) })), 'BadRequestException', 'Invalid API Key name, can be at most 1024 characters.', 400);
    await expectError(client.send(new CreateApiKeyCommand({ description: 'a'.repeat(125001) })), 'BadRequestException', 'Invalid API Key description specified.', 400);
    // An empty name is no name; an empty value is a generated one (recorded).
    const empty = await send(new CreateApiKeyCommand({ name: '', value: '' }));
    expect(empty.name).toBeUndefined();
    expect(empty.value).toMatch(/^[A-Za-z0-9]{40}$/);
    await expectError(client.send(new GetApiKeyCommand({ apiKey: 'nokey00000' })), 'NotFoundException', 'Invalid API Key identifier specified', 404);
  });

  it('lists newest first, by name prefix (case-sensitive) and customer, with values on request, in pages', async () => {
    const prefix = uniqueName('list');
    const first = await send(new CreateApiKeyCommand({ name: `${prefix}-a`, customerId: 'c-1' }));
    const second = await send(new CreateApiKeyCommand({ name: `${prefix}-b` }));
    const list = await send(new GetApiKeysCommand({ nameQuery: prefix }));
    expect((list.items as { id: string }[]).map((key) => key.id)).toEqual([second.id, first.id]);
    expect((list.items as { value?: string }[]).every((key) => key.value === undefined)).toBe(true);
    expect(Object.keys((list.items as object[])[0]).sort()).toEqual(['createdDate', 'enabled', 'id', 'lastUpdatedDate', 'name', 'stageKeys']);
    expect((await send(new GetApiKeysCommand({ nameQuery: prefix.toUpperCase() }))).items).toEqual([]);
    expect((await send(new GetApiKeysCommand({ nameQuery: prefix.slice(2) }))).items).toEqual([]);
    expect(((await send(new GetApiKeysCommand({ nameQuery: `${prefix}-a` }))).items as { id: string }[]).map((key) => key.id)).toEqual([first.id]);
    expect(((await send(new GetApiKeysCommand({ customerId: 'c-1' }))).items as { id: string }[]).map((key) => key.id)).toEqual([first.id]);
    const withValues = await send(new GetApiKeysCommand({ nameQuery: prefix, includeValues: true }));
    expect((withValues.items as { value?: string }[]).map((key) => key.value)).toEqual([second.value, first.value]);

    const page1 = await send(new GetApiKeysCommand({ nameQuery: prefix, limit: 1 }));
    expect((page1.items as { id: string }[]).map((key) => key.id)).toEqual([second.id]);
    expect(page1.position).toEqual(expect.any(String));
    const page2 = await send(new GetApiKeysCommand({ nameQuery: prefix, limit: 1, position: page1.position as string }));
    expect((page2.items as { id: string }[]).map((key) => key.id)).toEqual([first.id]);
    expect(page2.position).toBeUndefined();
  });

  it('updates the fields AWS allows and refuses others with AWS\'s message', async () => {
    const key = await send(new CreateApiKeyCommand({ name: uniqueName('update'), enabled: true }));
    const id = key.id as string;
    const update = (op: string, path: string, value?: string) => send(new UpdateApiKeyCommand({ apiKey: id, patchOperations: [{ op, path, value } as never] }));
    const updated = await update('replace', '/name', 'new-name');
    expect(updated.$metadata.httpStatusCode).toBe(200);
    expect(wire(updated)).toMatchObject({ id, name: 'new-name', enabled: true, stageKeys: [], tags: {} });
    expect(updated.value).toBeUndefined();
    // Anything but "true" disables (recorded).
    expect((await update('replace', '/enabled', 'not-a-boolean')).enabled).toBe(false);
    expect((await update('replace', '/description', 'described')).description).toBe('described');
    expect((await update('replace', '/customerId', 'c-9')).customerId).toBe('c-9');
    await expectError(update('replace', '/id', 'x'), 'BadRequestException',
      "Invalid patch path  '/id' specified for op 'replace'. Must be one of: [/description, /enabled, /name, /customerId]", 400);
    await expectError(update('replace', '/description', 'a'.repeat(125001)), 'BadRequestException', 'Invalid API Key description specified.', 400);
    await expectError(client.send(new UpdateApiKeyCommand({ apiKey: 'nokey00000', patchOperations: [] })), 'NotFoundException', 'Invalid API Key identifier specified', 404);
  });

  it('keeps legacy stage keys as {restApiId}/{stageName}', async () => {
    const apiId = await deployedApi();
    const key = await send(new CreateApiKeyCommand({ name: uniqueName('stagekeys'), stageKeys: [{ restApiId: apiId, stageName: 'dev' }] }));
    expect(key.stageKeys).toEqual([`${apiId}/dev`]);
    const removed = await send(new UpdateApiKeyCommand({ apiKey: key.id as string, patchOperations: [{ op: 'remove', path: '/stages', value: `${apiId}/dev` }] }));
    expect(removed.stageKeys).toEqual([]);
    const added = await send(new UpdateApiKeyCommand({ apiKey: key.id as string, patchOperations: [{ op: 'add', path: '/stages', value: `${apiId}/dev` }] }));
    expect(added.stageKeys).toEqual([`${apiId}/dev`]);
    await expectError(client.send(new CreateApiKeyCommand({ stageKeys: [{ restApiId: apiId, stageName: 'nope' }] })), 'NotFoundException', 'Invalid Stage identifier specified', 404);
  });

  it('deletes a key', async () => {
    const key = await send(new CreateApiKeyCommand({ name: uniqueName('delete') }));
    expect((await send(new DeleteApiKeyCommand({ apiKey: key.id as string }))).$metadata.httpStatusCode).toBe(202);
    await expectError(client.send(new GetApiKeyCommand({ apiKey: key.id as string })), 'NotFoundException', 'Invalid API Key identifier specified', 404);
    await expectError(client.send(new DeleteApiKeyCommand({ apiKey: key.id as string })), 'NotFoundException', 'Invalid API Key identifier specified', 404);
  });
});

describe('UsagePlans', () => {
  it('creates, gets, lists, updates and deletes a plan with AWS\'s shapes', async () => {
    const apiId = await deployedApi();
    const created = await send(new CreateUsagePlanCommand({
      name: 'gold', description: 'Test Usage Plan for API key', quota: { limit: 10, period: 'DAY', offset: 0 }, throttle: { rateLimit: 2, burstLimit: 1 },
      apiStages: [{ apiId, stage: 'dev' }], tags: { tag_key: 'tag_value' },
    }));
    expect(created.$metadata.httpStatusCode).toBe(201);
    const id = created.id as string;
    expect(id).toMatch(/^[a-z0-9]{6}$/);
    expect(wire(created)).toEqual({
      id, name: 'gold', description: 'Test Usage Plan for API key', apiStages: [{ apiId, stage: 'dev' }],
      quota: { limit: 10, offset: 0, period: 'DAY' }, throttle: { burstLimit: 1, rateLimit: 2 }, tags: { tag_key: 'tag_value' },
    });

    const plain = await send(new CreateUsagePlanCommand({ name: 'plain', apiStages: [{ apiId, stage: 'dev' }] }));
    expect(wire(plain)).toEqual({ id: plain.id, name: 'plain', apiStages: [{ apiId, stage: 'dev' }] });
    expect(wire(await send(new GetUsagePlanCommand({ usagePlanId: plain.id as string })))).toEqual({ id: plain.id, name: 'plain', apiStages: [{ apiId, stage: 'dev' }], tags: {} });
    const listed = ((await send(new GetUsagePlansCommand({}))).items as { id: string }[]).find((plan) => plan.id === plain.id);
    expect(listed).toEqual({ id: plain.id, name: 'plain', apiStages: [{ apiId, stage: 'dev' }] });

    const updated = await send(new UpdateUsagePlanCommand({
      usagePlanId: plain.id as string,
      patchOperations: [
        { op: 'replace', path: '/throttle/burstLimit', value: '100' },
        { op: 'replace', path: '/throttle/rateLimit', value: '200' },
        { op: 'replace', path: '/quota/period', value: 'MONTH' },
        { op: 'replace', path: '/quota/limit', value: '5000' },
      ],
    }));
    expect(wire(updated)).toEqual({
      id: plain.id, name: 'plain', apiStages: [{ apiId, stage: 'dev' }], quota: { limit: 5000, offset: 0, period: 'MONTH' },
      throttle: { burstLimit: 100, rateLimit: 200 }, tags: {},
    });

    await expectError(client.send(new DeleteUsagePlanCommand({ usagePlanId: id })), 'BadRequestException',
      `Cannot delete Usage Plan ${id} because there are API Stages associated with it, including ${apiId}:dev`, 400);
    await send(new UpdateUsagePlanCommand({ usagePlanId: id, patchOperations: [{ op: 'remove', path: '/apiStages', value: `${apiId}:dev` }] }));
    expect((await send(new DeleteUsagePlanCommand({ usagePlanId: id }))).$metadata.httpStatusCode).toBe(202);
    await expectError(client.send(new GetUsagePlanCommand({ usagePlanId: id })), 'NotFoundException', 'Invalid Usage Plan ID specified', 404);
  });

  it('refuses unknown API stages and bad patches with AWS\'s messages', async () => {
    const apiId = await deployedApi();
    await expectError(client.send(new CreateUsagePlanCommand({ name: 'x', apiStages: [{ apiId, stage: 'nope' }] })), 'BadRequestException',
      new RegExp(`^Invalid API Stage \\{api: ${apiId}, stage: nope\\} specified for usageplan [a-z0-9]{6}$`), 400);
    const plan = await send(new CreateUsagePlanCommand({ name: 'patches', apiStages: [{ apiId, stage: 'dev' }] }));
    const id = plan.id as string;
    const update = (...patchOperations: { op: string; path: string; value?: string }[]) =>
      send(new UpdateUsagePlanCommand({ usagePlanId: id, patchOperations: patchOperations as never }));
    await expectError(client.send(new UpdateUsagePlanCommand({ usagePlanId: `${id}1`, patchOperations: [{ op: 'replace', path: '/throttle/burstLimit', value: '100' }] })),
      'NotFoundException', 'Invalid Usage Plan ID specified', 404);
    await expectError(update({ op: 'remove', path: '/apiStages' }), 'BadRequestException', 'Invalid API Stage specified', 400);
    await expectError(update({ op: 'remove', path: '/apiStages', value: 'fakevalue' }), 'BadRequestException', 'Invalid API Stage specified', 400);
    await expectError(update({ op: 'remove', path: '/apiStages', value: `${apiId}b:dev` }), 'NotFoundException',
      `Invalid API Stage {api: ${apiId}b, stage: dev} specified for usageplan ${id}`, 404);
    await expectError(update({ op: 'remove', path: '/apiStages', value: `${apiId}:fakestagename` }), 'NotFoundException',
      `Invalid API Stage {api: ${apiId}, stage: fakestagename} specified for usageplan ${id}`, 404);
    // A failed patch writes nothing.
    expect((await send(new GetUsagePlanCommand({ usagePlanId: id }))).apiStages).toEqual([{ apiId, stage: 'dev' }]);
  });

  it('patches per-method throttles of an API stage', async () => {
    const apiId = await deployedApi();
    const plan = await send(new CreateUsagePlanCommand({
      name: 'methods', apiStages: [{ apiId, stage: 'dev', throttle: { '/pets/GET': { rateLimit: 1, burstLimit: 1 } } }],
    }));
    const id = plan.id as string;
    expect(plan.apiStages).toEqual([{ apiId, stage: 'dev', throttle: { '/pets/GET': { rateLimit: 1, burstLimit: 1 } } }]);
    const update = (...patchOperations: { op: string; path: string; value?: string }[]) =>
      send(new UpdateUsagePlanCommand({ usagePlanId: id, patchOperations: patchOperations as never }));
    const rooted = await update({ op: 'replace', path: `/apiStages/${apiId}:dev/throttle/~1/GET/rateLimit`, value: '5.5' });
    expect((rooted.apiStages as { throttle: object }[])[0].throttle).toEqual({ '/pets/GET': { rateLimit: 1, burstLimit: 1 }, '//GET': { rateLimit: 5.5 } });
    const removed = await update({ op: 'remove', path: `/apiStages/${apiId}:dev/throttle/~1pets/GET` });
    expect((removed.apiStages as { throttle: object }[])[0].throttle).toEqual({ '//GET': { rateLimit: 5.5 } });
    const replaced = await update({ op: 'replace', path: `/apiStages/${apiId}:dev/throttle`, value: JSON.stringify({ '/a/POST': { burstLimit: 3, rateLimit: 3 } }) });
    expect((replaced.apiStages as { throttle: object }[])[0].throttle).toEqual({ '/a/POST': { burstLimit: 3, rateLimit: 3 } });
  });

  it('loses an API stage when the stage is deleted', async () => {
    const apiId = await deployedApi();
    const plan = await send(new CreateUsagePlanCommand({ name: 'detached', apiStages: [{ apiId, stage: 'dev' }] }));
    await client.send(new DeleteStageCommand({ restApiId: apiId, stageName: 'dev' }));
    expect((await send(new GetUsagePlanCommand({ usagePlanId: plan.id as string }))).apiStages).toEqual([]);
  });
});

describe('UsagePlanKeys', () => {
  it('adds keys to a plan, lists them newest first by name prefix, and drops deleted keys', async () => {
    const prefix = uniqueName('member');
    const key1 = await send(new CreateApiKeyCommand({ name: `${prefix}-1` }));
    const key2 = await send(new CreateApiKeyCommand({ name: `${prefix}-2` }));
    const plan = await send(new CreateUsagePlanCommand({ name: uniqueName('plan') }));
    const usagePlanId = plan.id as string;
    expect((await send(new GetUsagePlanKeysCommand({ usagePlanId }))).items).toEqual([]);

    const created = await send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId: key1.id as string, keyType: 'API_KEY' }));
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(wire(created)).toEqual({ id: key1.id, name: key1.name, type: 'API_KEY', value: key1.value });
    await send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId: key2.id as string, keyType: 'API_KEY' }));

    const listed = await send(new GetUsagePlanKeysCommand({ usagePlanId }));
    expect(listed.items).toEqual([
      { id: key2.id, name: key2.name, type: 'API_KEY', value: key2.value },
      { id: key1.id, name: key1.name, type: 'API_KEY', value: key1.value },
    ]);
    expect(((await send(new GetUsagePlanKeysCommand({ usagePlanId, nameQuery: `${prefix}-1` }))).items as object[]).length).toBe(1);
    expect((await send(new GetUsagePlanKeysCommand({ usagePlanId, nameQuery: prefix.toUpperCase() }))).items).toEqual([]);
    expect((await send(new GetUsagePlanKeysCommand({ usagePlanId: 'bad-id' }))).items).toEqual([]);
    expect(wire(await send(new GetUsagePlanKeyCommand({ usagePlanId, keyId: key1.id as string })))).toEqual(wire(created));
    expect(((await send(new GetUsagePlansCommand({ keyId: key1.id as string }))).items as { id: string }[]).map((p) => p.id)).toEqual([usagePlanId]);

    await expectError(client.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId: key1.id as string, keyType: 'API_KEY' })),
      'ConflictException', 'Usage Plan Key already exists', 409);
    await expectError(client.send(new CreateUsagePlanKeyCommand({ usagePlanId: 'nope00', keyId: key1.id as string, keyType: 'API_KEY' })),
      'NotFoundException', 'Invalid Usage Plan ID specified', 404);
    await expectError(client.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId: 'nokey00000', keyType: 'API_KEY' })),
      'NotFoundException', 'Invalid API Key identifier specified', 404);

    expect((await send(new DeleteUsagePlanKeyCommand({ usagePlanId, keyId: key1.id as string }))).$metadata.httpStatusCode).toBe(202);
    await expectError(client.send(new GetUsagePlanKeyCommand({ usagePlanId, keyId: key1.id as string })),
      'NotFoundException', 'Invalid Usage Plan Key identifier specified', 404);
    await client.send(new DeleteApiKeyCommand({ apiKey: key2.id as string }));
    expect((await send(new GetUsagePlanKeysCommand({ usagePlanId }))).items).toEqual([]);
  });

  it('keeps a key in one plan per API stage', async () => {
    const apiId = await deployedApi();
    const key = await send(new CreateApiKeyCommand({ name: uniqueName('one-plan') }));
    const first = await send(new CreateUsagePlanCommand({ name: 'first', apiStages: [{ apiId, stage: 'dev' }] }));
    const second = await send(new CreateUsagePlanCommand({ name: 'second', apiStages: [{ apiId, stage: 'dev' }] }));
    await send(new CreateUsagePlanKeyCommand({ usagePlanId: first.id as string, keyId: key.id as string, keyType: 'API_KEY' }));
    const conflictMessage = `API Key ${key.id as string} is already in usage plan ${first.id as string} for API stage ${apiId}:dev`;
    await expectError(client.send(new CreateUsagePlanKeyCommand({ usagePlanId: second.id as string, keyId: key.id as string, keyType: 'API_KEY' })),
      'ConflictException', conflictMessage, 409);
    // Nor may a plan with the key gain a stage another of the key's plans has.
    const third = await send(new CreateUsagePlanCommand({ name: 'third' }));
    await send(new CreateUsagePlanKeyCommand({ usagePlanId: third.id as string, keyId: key.id as string, keyType: 'API_KEY' }));
    await expectError(client.send(new UpdateUsagePlanCommand({ usagePlanId: third.id as string, patchOperations: [{ op: 'add', path: '/apiStages', value: `${apiId}:dev` }] })),
      'ConflictException', conflictMessage, 409);
  });
});

describe('ImportApiKeys', () => {
  const importCsv = (csv: string, failOnWarnings = false) =>
    send(new ImportApiKeysCommand({ body: Buffer.from(csv), format: 'csv', failOnWarnings }));

  it('imports AWS\'s CSV format: headers in any case and order, quoted plan ids, defaults, overwrites by value', async () => {
    const plan1 = await send(new CreateUsagePlanCommand({ name: uniqueName('import') }));
    const plan2 = await send(new CreateUsagePlanCommand({ name: uniqueName('import') }));
    const prefix = uniqueName('imported');
    const csv = [
      'Enabled,Name,key,Description,UsageplanIds,Unknown',
      `true,${prefix}-1,apikey1234abcdefghij0123456789,An imported key,"${plan1.id as string},${plan2.id as string}",x`,
      `,${prefix}-2,apikey1234abcdefghij9999999999,,,`,
      `FALSE,${prefix}-3,'apikey1234abcdefghij7777777777',,${plan2.id as string},`,
    ].join('\r\n');
    const imported = await importCsv(csv);
    expect(imported.$metadata.httpStatusCode).toBe(201);
    expect(imported.warnings).toBeUndefined();
    const ids = imported.ids as string[];
    expect(ids).toHaveLength(3);
    const keys = (await send(new GetApiKeysCommand({ nameQuery: prefix, includeValues: true }))).items as Record<string, unknown>[];
    expect(keys.map((key) => [key.name, key.value, key.enabled, key.description])).toEqual([
      [`${prefix}-3`, 'apikey1234abcdefghij7777777777', false, undefined],
      [`${prefix}-2`, 'apikey1234abcdefghij9999999999', true, undefined],
      [`${prefix}-1`, 'apikey1234abcdefghij0123456789', true, 'An imported key'],
    ]);
    expect(((await send(new GetUsagePlanKeysCommand({ usagePlanId: plan2.id as string }))).items as { id: string }[]).map((k) => k.id).sort())
      .toEqual([ids[0], ids[2]].sort());

    // The same value again overwrites that key, keeping its id.
    const again = await importCsv(`name,key\n${prefix}-renamed,apikey1234abcdefghij0123456789\n`);
    expect(again.ids).toEqual([ids[0]]);
    expect((await send(new GetApiKeyCommand({ apiKey: ids[0] }))).name).toBe(`${prefix}-renamed`);
  });

  it('reports warnings, and with failOnWarnings imports nothing', async () => {
    const prefix = uniqueName('warned');
    const csv = `name,key,usageplanids\n${prefix}-short,tooshort,\n${prefix}-ok,apikey1234abcdefghij5555555555,nope00\n`;
    await expectError(importCsv(csv, true), 'BadRequestException', /^Warnings found during import:/, 400);
    expect((await send(new GetApiKeysCommand({ nameQuery: prefix }))).items).toEqual([]);
    const imported = await importCsv(csv);
    expect(imported.ids).toHaveLength(1);
    expect(imported.warnings).toEqual([
      'Line 2: API Key value should be at least 20 characters',
      'Line 3: Invalid usage plan ID specified: nope00',
    ]);
  });

  it('needs the Name and Key columns', async () => {
    await expectError(importCsv('key\napikey1234abcdefghij0123456789\n'), 'BadRequestException', /Name and Key columns/, 400);
  });
});

describe('API key values at rest', () => {
  it('are sealed in the data directory, with a key file created 0600 and reused across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'archway-keys-'));
    try {
      const value = 'plaintext-secret-value-0123456789';
      const first = await startArchway({ inMemory: false, dataDir });
      let keyId: string;
      try {
        keyId = (await first.apigateway.send(new CreateApiKeyCommand({ name: 'sealed', value }))).id!;
      } finally {
        await first.stop();
      }
      const keyFile = join(dataDir, 'encryption.key');
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      const keyText = readFileSync(keyFile, 'utf8');
      const files = readdirSync(dataDir, { recursive: true, encoding: 'utf8' }).map((file) => join(dataDir, file)).filter((file) => statSync(file).isFile());
      expect(files).toContain(join(dataDir, 'archway.db'));
      // The key is on disk, sealed.
      expect(files.some((file) => readFileSync(file).includes('"sealedValue":"v1:'))).toBe(true);
      for (const file of files) expect(readFileSync(file).includes(value), `${file} holds the plain value`).toBe(false);

      const second = await startArchway({ inMemory: false, dataDir });
      try {
        expect((await second.apigateway.send(new GetApiKeyCommand({ apiKey: keyId, includeValue: true }))).value).toBe(value);
      } finally {
        await second.stop();
      }
      expect(readFileSync(keyFile, 'utf8')).toBe(keyText);

      // Another key cannot open them: Archway refuses to start rather than fail each request.
      await expect(startArchway({ inMemory: false, dataDir, encryptionKey: 'ab'.repeat(32) })).rejects.toThrow(/encrypted with another key/);
      // …and leaves the data directory free for a start with the right key.
      const third = await startArchway({ inMemory: false, dataDir, encryptionKey: keyText.trim() });
      await third.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
