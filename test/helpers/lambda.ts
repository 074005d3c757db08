// Lambda helpers for tests: a LambdaClient on a test Archway, zips of inline handler code,
// and one call that creates a function.
import { CreateFunctionCommand, LambdaClient, type CreateFunctionCommandInput } from '@aws-sdk/client-lambda';
import { createZip } from '../../src/functions/zip.js';
import type { TestArchway } from './archway.js';

/** An Invoke payload as text. */
export const payloadText = (payload: Uint8Array | undefined): string => Buffer.from(payload ?? new Uint8Array()).toString('utf8');

export const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';

export function lambdaClient(archway: Pick<TestArchway, 'endpoint'>): LambdaClient {
  return new LambdaClient({ endpoint: archway.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
}

/** A zip whose `index.mjs` (or the file named) holds `source`. */
export function zipOf(source: string, file = 'index.mjs'): Uint8Array {
  return new Uint8Array(createZip({ [file]: source }));
}

export async function createFunction(
  lambda: LambdaClient, name: string, source: string, extra: Partial<CreateFunctionCommandInput> & { file?: string } = {},
): Promise<string> {
  const { file, ...rest } = extra;
  const out = await lambda.send(new CreateFunctionCommand({
    FunctionName: name,
    Runtime: 'nodejs20.x',
    Role: ROLE,
    Handler: 'index.handler',
    Code: { ZipFile: zipOf(source, file) },
    ...rest,
  }));
  return out.FunctionArn!;
}
