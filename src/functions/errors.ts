// Lambda's error types (Lambda API reference, "Errors" of each operation). The control plane
// writes them in Lambda's envelope: `x-amzn-ErrorType` and `{"Type": "User", "Message": …}`.
import { AwsServiceError } from '../aws/errors.js';

export const resourceNotFound = (message: string) => new AwsServiceError('ResourceNotFoundException', 404, message);
export const invalidParameter = (message: string) => new AwsServiceError('InvalidParameterValueException', 400, message);
export const resourceConflict = (message: string) => new AwsServiceError('ResourceConflictException', 409, message);
export const validationError = (message: string) => new AwsServiceError('ValidationException', 400, message);
export const invalidRequestContent = (message: string) => new AwsServiceError('InvalidRequestContentException', 400, message);
export const requestTooLarge = (message: string) => new AwsServiceError('RequestTooLargeException', 413, message);
/** A request over an operation's size limit: what Lambda's front end answers (413, body `{"Message": …}`). */
export const requestEntityTooLarge = (message: string) => new AwsServiceError('RequestEntityTooLargeException', 413, message);
/** A function's concurrency is used up (Invoke API reference). */
export const tooManyRequests = () => Object.assign(new AwsServiceError('TooManyRequestsException', 429, 'Rate Exceeded.'), {
  reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
});
export const preconditionFailed = (message: string) => new AwsServiceError('PreconditionFailedException', 412, message);

/** `Function not found: arn:…` (recorded by LocalStack against AWS). */
export const functionNotFound = (arn: string) => resourceNotFound(`Function not found: ${arn}`);
