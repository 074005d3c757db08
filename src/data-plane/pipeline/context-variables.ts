// `$context` for templates, parameter mapping and gateway responses
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-mapping-template-reference.html),
// built once per request, only when something reads it.
import { clfTime } from './dates.js';

export { clfTime };

export interface ContextVariableInputs {
  accountId: string;
  apiId: string;
  deploymentId: string;
  stage: string;
  domainName: string;
  requestId: string;
  extendedRequestId: string;
  requestTimeEpoch: number;
  httpMethod: string;
  /** Resource path after the stage, as requested. */
  path: string;
  protocol: string;
  sourceIp: string;
  userAgent: string | null;
  resourceId: string | null;
  resourcePath: string | null;
  apiKey: string | null;
  apiKeyId: string | null;
  /** What the authorizer established; `{}` without one. */
  authorizer?: Readonly<Record<string, unknown>>;
  /** The verified IAM caller (`accessKey`, `accountId`, `caller`, `user`, `userArn`, `principalOrgId`). */
  identity?: object;
}

export function buildContextVariables(input: ContextVariableInputs): Record<string, unknown> {
  const dot = input.domainName.indexOf('.');
  return {
    accountId: input.accountId,
    apiId: input.apiId,
    authorizer: input.authorizer ?? {},
    awsEndpointRequestId: null,
    deploymentId: input.deploymentId,
    domainName: input.domainName,
    domainPrefix: dot === -1 ? input.domainName : input.domainName.slice(0, dot),
    extendedRequestId: input.extendedRequestId,
    httpMethod: input.httpMethod,
    identity: {
      accountId: null,
      apiKey: input.apiKey,
      apiKeyId: input.apiKeyId,
      accessKey: null,
      caller: null,
      cognitoAuthenticationProvider: null,
      cognitoAuthenticationType: null,
      cognitoIdentityId: null,
      cognitoIdentityPoolId: null,
      principalOrgId: null,
      sourceIp: input.sourceIp,
      clientCert: null,
      user: null,
      userAgent: input.userAgent,
      userArn: null,
      vpcId: null,
      vpceId: null,
      ...input.identity,
    },
    isCanaryRequest: false,
    // `$context.path` includes the stage: /{stage}/root/child.
    path: `/${input.stage}${input.path}`,
    protocol: input.protocol,
    requestId: input.requestId,
    requestTime: clfTime(input.requestTimeEpoch),
    requestTimeEpoch: input.requestTimeEpoch,
    resourceId: input.resourceId,
    resourcePath: input.resourcePath,
    stage: input.stage,
  };
}
