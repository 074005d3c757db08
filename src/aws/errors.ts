// AWS's error envelope for the control plane: status, `x-amzn-ErrorType`, `{"message": ...}`.
// https://docs.aws.amazon.com/apigateway/latest/api/CommonErrors.html; messages as recorded in
// LocalStack's AWS snapshots (tests/aws/services/apigateway/test_apigateway_api.snapshot.json).

export class AwsServiceError extends Error {
  constructor(
    readonly type: string,
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

export const badRequest = (message: string) => new AwsServiceError('BadRequestException', 400, message);
export const notFound = (message: string) => new AwsServiceError('NotFoundException', 404, message);
export const conflict = (message: string) => new AwsServiceError('ConflictException', 409, message);
export const limitExceeded = (message: string) => new AwsServiceError('LimitExceededException', 429, message);
