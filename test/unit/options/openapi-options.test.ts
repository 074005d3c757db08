import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { parseStartOptions, OptionsError } from '../../../src/options/parse-options.js';
import { parseExportCommand, parseImportCommand } from '../../../src/options/client-options.js';

describe('archway start --import options', () => {
  it('defaults the stage to dev and reads the flags and their variables', () => {
    expect(parseStartOptions(['--import', 'api.yaml'], {})).toMatchObject({ importFile: join(process.cwd(), 'api.yaml'), importStage: 'dev', watch: false });
    const o = parseStartOptions(['--stage', 'v2', '--watch'], { ARCHWAY_IMPORT: 'from-env.yaml', ARCHWAY_IMPORT_API_ID: 'petsapi001' });
    expect(o).toMatchObject({ importFile: join(process.cwd(), 'from-env.yaml'), importStage: 'v2', importApiId: 'petsapi001', watch: true });
  });

  it('refuses --stage, --api-id and --watch without --import, and bad values', () => {
    expect(() => parseStartOptions(['--watch'], {})).toThrow('--watch needs --import FILE');
    expect(() => parseStartOptions(['--stage', 'v1'], {})).toThrow('--stage needs --import FILE');
    expect(() => parseStartOptions(['--import', 'a.yaml', '--stage', 'no spaces'], {})).toThrow(/--stage must be a stage name/);
    expect(() => parseStartOptions(['--import', 'a.yaml', '--api-id', 'a/b'], {})).toThrow(OptionsError);
  });
});

describe('archway import / export options', () => {
  it('take the file or API id as the one positional, with defaults', () => {
    expect(parseImportCommand(['api.yaml'], {})).toEqual({
      endpoint: 'http://localhost:4566', region: 'us-east-1', adminCredentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      file: 'api.yaml', stageName: 'dev', failOnWarnings: false,
    });
    expect(parseExportCommand(['abc123', '--format', 'swagger', '--yaml', '--extensions', 'none'], { ARCHWAY_ENDPOINT: 'http://gw:9000/' }))
      .toMatchObject({ apiId: 'abc123', format: 'swagger', yaml: true, extensions: '', endpoint: 'http://gw:9000' });
  });

  it('refuse missing positionals and bad values', () => {
    expect(() => parseImportCommand([], {})).toThrow('archway import takes one FILE');
    expect(() => parseExportCommand(['a', '--format', 'raml'], {})).toThrow(/--format must be oas30 or swagger/);
    expect(() => parseExportCommand(['a', '--extensions', 'everything'], {})).toThrow(/--extensions must be none or a list/);
    expect(() => parseImportCommand(['a.yaml', '--endpoint', 'ftp://x'], {})).toThrow(/--endpoint must be an http\(s\) URL/);
  });
});
