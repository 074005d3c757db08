// Lambda's wire shapes (Lambda API reference 2015-03-31): its error envelope, which differs
// from API Gateway's (`{"Type": "User", "Message": …}` with `x-amzn-ErrorType`; recorded by
// LocalStack against AWS), and the FunctionConfiguration / AliasConfiguration documents.
import { createHash } from 'node:crypto';
import { AwsServiceError } from '../../aws/errors.js';
import type { AliasRecord, FunctionVersionRecord } from '../../functions/model.js';
import type { OperationDefinition, OperationHandler, OperationResponse } from '../route-table.js';

/** Lambda operations answer errors in Lambda's envelope; everything else goes to the dispatcher. */
export function lambdaOperation(definition: OperationDefinition): OperationDefinition {
  const handler: OperationHandler = async (request) => {
    try {
      return await definition.handler(request);
    } catch (error) {
      if (error instanceof AwsServiceError) return lambdaError(error);
      throw error;
    }
  };
  return { ...definition, handler };
}

export function lambdaError(error: AwsServiceError): OperationResponse {
  // Lambda's front end answers an oversized request with only `{"Message": …}` (AWS-observed).
  if (error.type === 'RequestEntityTooLargeException') return json(413, { Message: error.message }, { 'x-amzn-ErrorType': error.type });
  const reason = (error as AwsServiceError & { reason?: string }).reason;
  // TooManyRequestsException carries the throttle reason and a lower-case `message` (unverified casing).
  const body = reason === undefined
    ? { Type: 'User', Message: error.message }
    : { Reason: reason, Type: 'User', message: error.message };
  return json(error.statusCode, body, { 'x-amzn-ErrorType': error.type });
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): OperationResponse {
  return { statusCode, raw: { contentType: 'application/json', data: JSON.stringify(body), headers } };
}

/** FunctionConfiguration as GetFunctionConfiguration answers it for a version. */
export function configurationOut(version: FunctionVersionRecord): Record<string, unknown> {
  const { code: _code, ...wire } = version;
  return {
    ...wire,
    TracingConfig: { Mode: 'PassThrough' },
    // Archway's functions are ready the moment they exist (AWS goes Pending → Active).
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    EphemeralStorage: { Size: 512 },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${version.FunctionName}` },
  };
}

export function aliasOut(alias: AliasRecord): AliasRecord {
  return { ...alias };
}

/** CodeSha256 as Lambda prints it: base64 of the SHA-256 digest. */
export function codeDigest(zip: Buffer): { hex: string; base64: string } {
  const digest = createHash('sha256').update(zip).digest();
  return { hex: digest.toString('hex'), base64: digest.toString('base64') };
}
