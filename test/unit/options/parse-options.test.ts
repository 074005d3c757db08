import { describe, it, expect } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseStartOptions, OptionsError } from '../../../src/options/parse-options.js';

describe('archway start options', () => {
  it('has the documented defaults', () => {
    const o = parseStartOptions([], {});
    expect(o).toMatchObject({ port: 4566, host: '127.0.0.1', dataDir: join(process.cwd(), '.archway'), inMemory: false, region: 'us-east-1', accountId: '000000000000', logLevel: 'info' });
    expect(o.adminCredentials).toEqual({ accessKeyId: 'test', secretAccessKey: 'test' });
    expect(o.limits.shutdownDrainMs).toBe(10_000);
  });

  it('reads environment variables and lets a flag beat its variable', () => {
    const env = { ARCHWAY_DATA_DIR: '/tmp/from-env', ARCHWAY_PORT: '5000', ARCHWAY_ADMIN_CREDENTIALS: 'AK:SE:CRET' };
    const o = parseStartOptions(['--port', '0', '--in-memory'], env);
    expect(o.dataDir).toBe('/tmp/from-env');
    expect(o.port).toBe(0);
    expect(o.inMemory).toBe(true);
    expect(o.adminCredentials).toEqual({ accessKeyId: 'AK', secretAccessKey: 'SE:CRET' });
  });

  it('makes every path absolute against the starting directory', () => {
    const o = parseStartOptions(['--data-dir', 'state', '--functions', 'fns', '--import', 'api.yaml'], {});
    expect(o.dataDir).toBe(join(process.cwd(), 'state'));
    expect(o.functionsPath).toBe(join(process.cwd(), 'fns'));
    expect(o.importFile).toBe(join(process.cwd(), 'api.yaml'));
  });

  it('sets limits from flags', () => {
    const o = parseStartOptions(['--max-stages-per-api', '2', '--drain-timeout', '1.5', '--max-body-bytes', '1024'], {});
    expect([o.limits.maxStagesPerApi, o.limits.shutdownDrainMs, o.limits.maxRequestBodyBytes]).toEqual([2, 1500, 1024]);
  });

  it('makes every enforced limit an option', () => {
    expect(parseStartOptions(['--max-function-workers', '8'], {}).limits.maxFunctionWorkers).toBe(8);
    const o = parseStartOptions(['--max-header-bytes', '2048', '--max-resources-per-api', '50', '--max-integration-timeout', '300000', '--max-control-plane-body-bytes', '6291456'], {});
    expect([o.limits.maxHeaderBytes, o.limits.maxResourcesPerApi, o.limits.maxIntegrationTimeoutMs, o.limits.maxControlPlaneBodyBytes]).toEqual([2048, 50, 300000, 6291456]);
  });

  it('maps user pools to issuers: --user-pool repeated, or a comma-separated variable; a flag beats the variable per pool', () => {
    const o = parseStartOptions([
      '--user-pool', 'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_Abc123=https://idp.example.com/realms/a',
      '--user-pool', 'us-east-1_Local1=local',
      '--jwks-refetch-interval', '5',
    ], { ARCHWAY_USER_POOLS: 'us-east-1_Local1=https://old.example.com, us-east-1_Env1=local' });
    expect(o.userPools).toEqual([
      { poolId: 'us-east-1_Local1', issuer: 'https://old.example.com' },
      { poolId: 'us-east-1_Env1', issuer: 'local' },
      { poolId: 'eu-west-1_Abc123', issuer: 'https://idp.example.com/realms/a' },
      { poolId: 'us-east-1_Local1', issuer: 'local' },
    ]);
    expect(o.limits.jwksRefetchIntervalMs).toBe(5000);
    expect(() => parseStartOptions(['--user-pool', 'us-east-1_A1'], {})).toThrow('--user-pool: expected ARN_OR_ID=ISSUER_URL (or =local)');
    expect(() => parseStartOptions(['--user-pool', 'pool=local'], {})).toThrow("--user-pool: 'pool' is not a user pool id");
    expect(() => parseStartOptions(['--user-pool', 'us-east-1_A1=ftp://x'], {})).toThrow('must be an http(s) URL or local');
  });

  it('reads a settings file (--config or ARCHWAY_CONFIG, JSON or YAML); variables and flags win over it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'archway-config-'));
    try {
      const yamlFile = join(dir, 'archway.yaml');
      writeFileSync(yamlFile, [
        'port: 5000', 'in-memory: true', 'log-level: warn', 'account-rate-limit: 50',
        'user-pool:', '  - us-east-1_File1=local', '  - eu-west-1_File2=https://idp.example.com',
      ].join('\n'));
      const o = parseStartOptions(['--config', yamlFile, '--log-level', 'debug', '--user-pool', 'us-east-1_File1=https://flag.example.com'], { ARCHWAY_PORT: '6000' });
      expect([o.port, o.inMemory, o.logLevel, o.limits.accountRateLimit]).toEqual([6000, true, 'debug', 50]);
      expect(o.userPools).toEqual([
        { poolId: 'us-east-1_File1', issuer: 'local' },
        { poolId: 'eu-west-1_File2', issuer: 'https://idp.example.com' },
        { poolId: 'us-east-1_File1', issuer: 'https://flag.example.com' },
      ]);
      const jsonFile = join(dir, 'archway.json');
      writeFileSync(jsonFile, JSON.stringify({ 'user-pool': 'us-east-1_Json1=local', 'max-body-bytes': 2048 }));
      const fromEnv = parseStartOptions([], { ARCHWAY_CONFIG: jsonFile });
      expect([fromEnv.userPools, fromEnv.limits.maxRequestBodyBytes]).toEqual([[{ poolId: 'us-east-1_Json1', issuer: 'local' }], 2048]);

      writeFileSync(jsonFile, JSON.stringify({ prot: 1 }));
      expect(() => parseStartOptions(['--config', jsonFile], {})).toThrow(`--config ${jsonFile}: unknown setting 'prot'`);
      writeFileSync(jsonFile, JSON.stringify({ port: { nested: 1 } }));
      expect(() => parseStartOptions(['--config', jsonFile], {})).toThrow(`--config ${jsonFile}: 'port' must be a string, a number or a boolean`);
      writeFileSync(jsonFile, JSON.stringify({ port: 70000 }));
      expect(() => parseStartOptions(['--config', jsonFile], {})).toThrow(/--port must be 0-65535/);
      writeFileSync(jsonFile, '[1, 2]');
      expect(() => parseStartOptions(['--config', jsonFile], {})).toThrow('expected an object of settings');
      expect(() => parseStartOptions(['--config', join(dir, 'missing.json')], {})).toThrow(/--config .*missing\.json: ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad values with a message naming the flag', () => {
    expect(() => parseStartOptions(['--port', '70000'], {})).toThrow(/--port must be 0-65535/);
    expect(() => parseStartOptions(['--account-id', '12'], {})).toThrow(/--account-id must be 12 digits/);
    expect(() => parseStartOptions(['--admin-credentials', 'nocolon'], {})).toThrow(OptionsError);
    expect(() => parseStartOptions(['--log-level', 'loud'], {})).toThrow(/--log-level must be one of/);
    expect(() => parseStartOptions(['--nope'], {})).toThrow(OptionsError);
    expect(() => parseStartOptions(['--encryption-key', 'secret'], {})).toThrow(/--encryption-key must be 64 hexadecimal characters or the base64 of 32 bytes/);
    expect(() => parseStartOptions([], { ARCHWAY_ENCRYPTION_KEY: 'ab'.repeat(31) })).toThrow(OptionsError);
  });

  it('takes the encryption key from its flag or variable', () => {
    const key = 'ab'.repeat(32);
    expect(parseStartOptions(['--encryption-key', key], {}).encryptionKey).toBe(key);
    expect(parseStartOptions([], { ARCHWAY_ENCRYPTION_KEY: key }).encryptionKey).toBe(key);
    expect(parseStartOptions([], {}).encryptionKey).toBeUndefined();
  });
});
