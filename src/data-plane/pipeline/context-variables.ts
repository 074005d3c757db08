// `$context` for templates, parameter mapping and gateway responses (mapping-templates.md §4),
// built once per request, only when something reads it.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => (n < 10 ? '0' + n : String(n));

/** CLF time as `$context.requestTime` shows it: `04/Oct/2023:18:25:03 +0000`. */
export function clfTime(epochMs: number): string {
  const d = new Date(epochMs);
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

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
}

export function buildContextVariables(input: ContextVariableInputs): Record<string, unknown> {
  const dot = input.domainName.indexOf('.');
  return {
    accountId: input.accountId,
    apiId: input.apiId,
    authorizer: {},
    awsEndpointRequestId: null,
    deploymentId: input.deploymentId,
    domainName: input.domainName,
    domainPrefix: dot === -1 ? input.domainName : input.domainName.slice(0, dot),
    extendedRequestId: input.extendedRequestId,
    httpMethod: input.httpMethod,
    identity: {
      accountId: null,
      apiKey: null,
      apiKeyId: null,
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
