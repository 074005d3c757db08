// The small pieces under src/functions: zip reading, function-name forms, stage-variable
// references, resource-policy checks, `--functions` declarations.
import { describe, it, expect } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createZip, readZip, ZipError } from '../../../src/functions/zip.js';
import { unpack } from '../../../src/functions/code-cache.js';
import { FunctionReference, functionOfIntegrationUri, parseFunctionName } from '../../../src/functions/arn.js';
import { allowsInvoke } from '../../../src/functions/policy.js';
import { DeclarationError, readDeclarations } from '../../../src/functions/declared-functions.js';

describe('zip', () => {
  it('reads back what it writes, nested paths included', () => {
    const zip = createZip({ 'index.mjs': 'export const handler = 1;', 'lib/util.js': Buffer.from([0, 1, 2, 255]) });
    const entries = readZip(zip);
    expect(entries.map((e) => e.name)).toEqual(['index.mjs', 'lib/util.js']);
    expect(entries[0].data.toString()).toBe('export const handler = 1;');
    expect([...entries[1].data]).toEqual([0, 1, 2, 255]);
  });

  it('refuses what is not a zip and entries that escape the code folder', async () => {
    expect(() => readZip(Buffer.from('hello'))).toThrow(ZipError);
    const evil = createZip({ '../evil.js': 'x' });
    await expect(unpack(evil, mkdtempSync(join(tmpdir(), 'zip-')))).rejects.toThrow(/escapes/);
  });

  it('unpacks into a folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zip-'));
    await unpack(createZip({ 'a/b.txt': 'deep' }), dir);
    expect(readFileSync(join(dir, 'a/b.txt'), 'utf8')).toBe('deep');
  });
});

describe('function names', () => {
  it.each([
    ['my-function', { name: 'my-function', qualifier: undefined, region: undefined, accountId: undefined }],
    ['my-function:v1', { name: 'my-function', qualifier: 'v1', region: undefined, accountId: undefined }],
    ['123456789012:function:my-function', { name: 'my-function', qualifier: undefined, region: undefined, accountId: '123456789012' }],
    ['arn:aws:lambda:us-west-2:123456789012:function:my-function:$LATEST', { name: 'my-function', qualifier: '$LATEST', region: 'us-west-2', accountId: '123456789012' }],
  ])('parses %s', (input, expected) => {
    expect(parseFunctionName(input)).toEqual(expected);
  });

  it('refuses other shapes', () => {
    expect(parseFunctionName('has space')).toBeUndefined();
    expect(parseFunctionName('a:b:c:d')).toBeUndefined();
  });

  it('finds the function in an integration URI and fills stage variables', () => {
    const arn = functionOfIntegrationUri('arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:${stageVariables.fn}:${stageVariables.alias}/invocations')!;
    const reference = FunctionReference.compile(arn);
    expect(reference.constant).toBeUndefined();
    expect(reference.resolve({ fn: 'orders', alias: 'live' })).toBe('arn:aws:lambda:us-east-1:1:function:orders:live');
    expect(FunctionReference.compile('plain').constant).toBe('plain');
    expect(functionOfIntegrationUri('arn:aws:apigateway:us-east-1:s3:path/bucket/key')).toBeUndefined();
  });
});

describe('resource policy', () => {
  const statement = {
    Sid: 's', Effect: 'Allow' as const, Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'lambda:InvokeFunction', Resource: 'arn',
    Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:execute-api:us-east-1:000000000000:abc/*/GET/pets/*' } },
  };

  it('allows the principal from a matching source ARN only', () => {
    expect(allowsInvoke([statement], { principal: 'apigateway.amazonaws.com', sourceArn: 'arn:aws:execute-api:us-east-1:000000000000:abc/prod/GET/pets/{id}' })).toBe(true);
    expect(allowsInvoke([statement], { principal: 'apigateway.amazonaws.com', sourceArn: 'arn:aws:execute-api:us-east-1:000000000000:abc/prod/POST/pets/{id}' })).toBe(false);
    expect(allowsInvoke([statement], { principal: 's3.amazonaws.com', sourceArn: 'arn:aws:execute-api:us-east-1:000000000000:abc/prod/GET/pets/x' })).toBe(false);
    expect(allowsInvoke([], { principal: 'apigateway.amazonaws.com' })).toBe(false);
  });
});

describe('--functions declarations', () => {
  it('reads a folder of functions and a YAML file', () => {
    const root = mkdtempSync(join(tmpdir(), 'decl-'));
    mkdirSync(join(root, 'one'));
    mkdirSync(join(root, 'node_modules'));
    expect(readDeclarations(root).map((d) => d.name)).toEqual(['one']);
    const file = join(root, 'fns.yml');
    writeFileSync(file, 'functions:\n  one:\n    timeout: 30\n    environment: { A: 1 }\n');
    expect(readDeclarations(file)).toEqual([{
      name: 'one', codeDir: join(root, 'one'), handler: 'index.handler', runtime: 'nodejs20.x', timeout: 30, memorySize: 128, environment: { A: '1' },
    }]);
  });

  it('says what is wrong with a bad declaration', () => {
    const root = mkdtempSync(join(tmpdir(), 'decl-'));
    const file = join(root, 'fns.yml');
    writeFileSync(file, 'functions:\n  one:\n    runtime: python3.12\n');
    expect(() => readDeclarations(file)).toThrow(DeclarationError);
    expect(() => readDeclarations(join(root, 'missing'))).toThrow(/no such file or folder/);
  });
});
