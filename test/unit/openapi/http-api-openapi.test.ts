import { describe, it, expect } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { AwsServiceError } from '../../../src/aws/errors.js';
import type { HttpApiDefinition, HttpStage } from '../../../src/model/http-api.js';
import { exportHttpApi } from '../../../src/openapi/http-api/export.js';
import { importHttpApi, isHttpApiDocument, type HttpApiImportOptions, type ImportedHttpApi } from '../../../src/openapi/http-api/import.js';
import { parseOpenApi } from '../../../src/openapi/parse.js';

type Json = Record<string, unknown>;

function options(extra: Partial<HttpApiImportOptions> = {}): HttpApiImportOptions {
  const counters = { route: 0, integration: 0, authorizer: 0 };
  const prefix = { route: 'r', integration: 'i', authorizer: 'a' };
  return { newId: (kind) => `${prefix[kind]}${++counters[kind]}`, failOnWarnings: false, ...extra };
}

const load = (doc: Json, extra: Partial<HttpApiImportOptions> = {}) => importHttpApi(JSON.stringify(doc), options(extra));

function refusal(doc: Json | string, extra: Partial<HttpApiImportOptions> = {}): AwsServiceError {
  try {
    importHttpApi(typeof doc === 'string' ? doc : JSON.stringify(doc), options(extra));
  } catch (error) {
    expect(error).toBeInstanceOf(AwsServiceError);
    expect((error as AwsServiceError).type).toBe('BadRequestException');
    return error as AwsServiceError;
  }
  throw new Error('the import was not refused');
}

const api = (paths: Json, extra: Json = {}): Json => ({ openapi: '3.0.1', info: { title: 'pets', version: '1.0' }, paths, ...extra });
const lambda = (fn: string) => `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:${fn}/invocations`;
const proxy = (fn = 'hello', extra: Json = {}) => ({ type: 'aws_proxy', httpMethod: 'POST', uri: lambda(fn), payloadFormatVersion: '2.0', ...extra });

function definition(imported: ImportedHttpApi): HttpApiDefinition {
  return {
    api: {
      apiId: 'abc123', name: imported.name, protocolType: 'HTTP',
      apiKeySelectionExpression: '$request.header.x-api-key', routeSelectionExpression: '$request.method $request.path',
      createdDate: '2024-05-06T07:08:09.000Z', disableExecuteApiEndpoint: imported.disableExecuteApiEndpoint ?? false, ipAddressType: 'ipv4',
      tags: imported.tags,
      ...(imported.description !== undefined && { description: imported.description }),
      ...(imported.version !== undefined && { version: imported.version }),
      ...(imported.corsConfiguration && { corsConfiguration: imported.corsConfiguration }),
    },
    routes: imported.routes, integrations: imported.integrations, authorizers: imported.authorizers,
  };
}

/** Routes with their integration and authorizer in place of the ids (ids differ between imports). */
function described(imported: ImportedHttpApi) {
  const strip = <T extends object>(o: T, key: keyof T) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));
  const integrations = new Map(imported.integrations.map((i) => [`integrations/${i.integrationId}`, strip(i, 'integrationId')]));
  const authorizers = new Map(imported.authorizers.map((a) => [a.authorizerId, strip(a, 'authorizerId')]));
  return {
    routes: imported.routes.map(({ routeId: _id, target, authorizerId, ...rest }) => ({
      ...rest, integration: target && integrations.get(target), authorizer: authorizerId && authorizers.get(authorizerId),
    })),
    integrations: [...integrations.values()].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    authorizers: [...authorizers.values()],
  };
}

/** The documented example (http-api-open-api.html), trimmed: HTTP proxies with `payloadFormatVersion: 1.0` unquoted. */
const PET_STORE = {
  openapi: '3.0.1',
  info: { title: 'Example Pet Store', description: 'A Pet Store API.', version: '1.0' },
  paths: {
    '/pets': {
      get: {
        operationId: 'GET HTTP',
        parameters: [{ name: 'type', in: 'query', schema: { type: 'string' } }],
        responses: { 200: { description: '200 response', content: { 'application/json': { schema: { $ref: '#/components/schemas/Pets' } } } } },
        'x-amazon-apigateway-integration': { type: 'HTTP_PROXY', httpMethod: 'GET', uri: 'http://petstore.example.com/petstore/pets', payloadFormatVersion: 1.0 },
      },
      post: {
        operationId: 'Create Pet',
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/NewPet' } } }, required: true },
        responses: { 200: { description: '200 response' } },
        'x-amazon-apigateway-integration': { type: 'HTTP_PROXY', httpMethod: 'POST', uri: 'http://petstore.example.com/petstore/pets', payloadFormatVersion: 1.0 },
      },
    },
    '/pets/{petId}': {
      get: {
        operationId: 'Get Pet',
        parameters: [{ name: 'petId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: { description: '200 response' } },
        'x-amazon-apigateway-integration': { type: 'HTTP_PROXY', httpMethod: 'GET', uri: 'http://petstore.example.com/petstore/pets/{petId}', payloadFormatVersion: 1.0 },
      },
    },
  },
  'x-amazon-apigateway-cors': { allowOrigins: ['*'], allowMethods: ['GET', 'OPTIONS', 'POST'], allowHeaders: ['x-api-key', 'content-type'] },
  components: { schemas: { Pets: { type: 'array', items: { $ref: '#/components/schemas/Pet' } }, Pet: { type: 'object' }, NewPet: { type: 'object' } } },
};

describe('importHttpApi: routes and integrations', () => {
  it('reads the documented pet store: a route per path and method, its HTTP proxy integration, the API fields and CORS', () => {
    const out = importHttpApi(JSON.stringify(PET_STORE), options());
    expect(out).toMatchObject({ name: 'Example Pet Store', description: 'A Pet Store API.', version: '1.0', warnings: [] });
    expect(out.corsConfiguration).toEqual({ allowOrigins: ['*'], allowMethods: ['GET', 'OPTIONS', 'POST'], allowHeaders: ['x-api-key', 'content-type'] });
    expect(out.routes.map((r) => [r.routeKey, r.target, r.operationName, r.authorizationType])).toEqual([
      ['GET /pets', 'integrations/i1', 'GET HTTP', 'NONE'],
      ['POST /pets', 'integrations/i2', 'Create Pet', 'NONE'],
      ['GET /pets/{petId}', 'integrations/i3', 'Get Pet', 'NONE'],
    ]);
    expect(out.integrations[0]).toEqual({
      integrationId: 'i1', integrationType: 'HTTP_PROXY', integrationMethod: 'GET', integrationUri: 'http://petstore.example.com/petstore/pets',
      connectionType: 'INTERNET', payloadFormatVersion: '1.0', timeoutInMillis: 30000,
    });
    // documented: HTTP APIs don't validate requests, so a request body is info, not a warning
    expect(out.importInfo).toEqual(['Request body of POST /pets is ignored: HTTP APIs do not validate requests']);
  });

  it('reads YAML, where an unquoted 2.0 is a number, and x-amazon-apigateway-any-method as ANY (the AWS CLI example)', () => {
    const yaml = [
      'openapi: 3.0.1', 'info:', '  title: My Lambda API', '  version: v1.0', 'paths:', '  /hello:', '    x-amazon-apigateway-any-method:',
      '      x-amazon-apigateway-integration:', '        payloadFormatVersion: 2.0', '        type: aws_proxy', '        httpMethod: POST',
      `        uri: ${lambda('hello')}`, '        connectionType: INTERNET',
    ].join('\n');
    const out = importHttpApi(yaml, options());
    expect(out.routes).toEqual([{ routeId: 'r1', routeKey: 'ANY /hello', target: 'integrations/i1', apiKeyRequired: false, authorizationType: 'NONE' }]);
    expect(out.integrations[0]).toMatchObject({ integrationType: 'AWS_PROXY', payloadFormatVersion: '2.0', integrationMethod: 'POST', integrationUri: lambda('hello') });
  });

  it('makes the `/$default` ANY operation with isDefaultRoute the $default route', () => {
    const out = load(api({ '/$default': { 'x-amazon-apigateway-any-method': { isDefaultRoute: true, 'x-amazon-apigateway-integration': proxy() } } }));
    expect(out.routes.map((r) => r.routeKey)).toEqual(['$default']);
  });

  it('maps every integration field', () => {
    const out = load(api({
      '/a': {
        get: {
          'x-amazon-apigateway-integration': {
            type: 'http_proxy', httpMethod: 'any', uri: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/lb/1/2',
            payloadFormatVersion: '1.0', connectionType: 'VPC_LINK', connectionId: 'vpcl1', timeoutInMillis: 12000, credentials: 'arn:aws:iam::123456789012:role/r',
            tlsConfig: { serverNameToVerify: 'example.com' },
            requestParameters: { 'append:querystring.nodeId': '$request.path.id', 'overwrite:path': '/x', 'remove:header.h': "''" },
            responseParameters: { 200: { 'overwrite:header.Cache-Control': 'max-age=2' }, 500: { 'overwrite:statuscode': '403' } },
          },
        },
      },
      '/queue': { post: { 'x-amazon-apigateway-integration': {
        type: 'AWS_PROXY', integrationSubtype: 'SQS-SendMessage', credentials: 'arn:aws:iam::123456789012:role/sqs', payloadFormatVersion: '1.0',
        requestParameters: { QueueUrl: '$stageVariables.queue', MessageBody: '$request.body' },
      } } },
    }));
    expect(out.integrations).toEqual([
      {
        integrationId: 'i1', integrationType: 'HTTP_PROXY', connectionType: 'VPC_LINK', payloadFormatVersion: '1.0', timeoutInMillis: 12000,
        integrationUri: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/lb/1/2', integrationMethod: 'ANY', connectionId: 'vpcl1',
        credentialsArn: 'arn:aws:iam::123456789012:role/r', tlsConfig: { serverNameToVerify: 'example.com' },
        requestParameters: { 'append:querystring.nodeId': '$request.path.id', 'overwrite:path': '/x', 'remove:header.h': "''" },
        responseParameters: { 200: { 'overwrite:header.Cache-Control': 'max-age=2' }, 500: { 'overwrite:statuscode': '403' } },
      },
      {
        integrationId: 'i2', integrationType: 'AWS_PROXY', integrationSubtype: 'SQS-SendMessage', connectionType: 'INTERNET', payloadFormatVersion: '1.0',
        timeoutInMillis: 30000, credentialsArn: 'arn:aws:iam::123456789012:role/sqs', requestParameters: { QueueUrl: '$stageVariables.queue', MessageBody: '$request.body' },
      },
    ]);
    expect(out.warnings).toEqual([]);
  });

  it('defaults a Lambda proxy to POST and payload 1.0 (a REST API export has no payloadFormatVersion), and ignores REST-only properties as info', () => {
    const out = load(api({ '/a': { get: { 'x-amazon-apigateway-integration': {
      type: 'aws_proxy', uri: lambda('a'), passthroughBehavior: 'when_no_match', responses: { default: { statusCode: '200' } },
    } } } }));
    expect(out.integrations[0]).toMatchObject({ integrationMethod: 'POST', payloadFormatVersion: '1.0', timeoutInMillis: 30000 });
    expect(out.importInfo).toEqual([
      "Integration property 'responses' is not supported for HTTP APIs; ignored",
      "Integration property 'passthroughBehavior' is not supported for HTTP APIs; ignored",
    ]);
  });

  it('shares one integration between operations that describe the same one, and a component one between the routes referencing it', () => {
    const out = load(api({
      '/a': { get: { 'x-amazon-apigateway-integration': proxy('a') }, post: { 'x-amazon-apigateway-integration': proxy('a') } },
      '/b': { get: { 'x-amazon-apigateway-integration': proxy('b') } },
      '/c': { get: { 'x-amazon-apigateway-integration': { $ref: '#/components/x-amazon-apigateway-integrations/shared' } } },
      '/d': { get: { 'x-amazon-apigateway-integration': { $ref: '#/components/x-amazon-apigateway-integrations/shared' } } },
    }, { components: { 'x-amazon-apigateway-integrations': { shared: proxy('shared'), spare: proxy('a') } } }));
    expect(out.routes.map((r) => `${r.routeKey} → ${r.target}`)).toEqual([
      'GET /a → integrations/i3', 'POST /a → integrations/i3', 'GET /b → integrations/i4', 'GET /c → integrations/i1', 'GET /d → integrations/i1',
    ]);
    // an integration no route targets (AWS exports them as unusedIntegration_…) is kept
    expect(out.integrations.map((i) => [i.integrationId, i.integrationUri])).toEqual([
      ['i1', lambda('shared')], ['i2', lambda('a')], ['i3', lambda('a')], ['i4', lambda('b')],
    ]);
  });

  it('puts the base path in front of the routes with basepath=prepend or split', () => {
    const doc = api({ '/pets': { get: {} }, '/': { get: {} } }, { servers: [{ url: 'https://example.com/{basePath}', variables: { basePath: { default: '/v1/inner' } } }] });
    expect(load(doc).routes.map((r) => r.routeKey)).toEqual(['GET /pets', 'GET /']);
    expect(load(doc, { basepath: 'prepend' }).routes.map((r) => r.routeKey)).toEqual(['GET /v1/inner/pets', 'GET /v1/inner']);
    expect(load(doc, { basepath: 'split' }).routes.map((r) => r.routeKey)).toEqual(['GET /inner/pets', 'GET /inner']);
  });

  it('resolves the AWS variables when given', () => {
    const doc = api({ '/a': { get: { 'x-amazon-apigateway-integration': proxy('a', {
      uri: 'arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:a/invocations',
    }) } } });
    expect(load(doc, { variables: { region: 'eu-west-1', accountId: '000000000000' } }).integrations[0].integrationUri)
      .toBe('arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:000000000000:function:a/invocations');
  });

  it('reads tags (one without a value has an empty one) and the server endpoint configuration', () => {
    const out = load(api({}, {
      tags: [{ name: 'Owner', 'x-amazon-apigateway-tag-value': 'Admin' }, { name: 'Prod' }],
      servers: [{ url: 'https://example.com', 'x-amazon-apigateway-endpoint-configuration': { disableExecuteApiEndpoint: true } }],
    }));
    expect({ ...out.tags }).toEqual({ Owner: 'Admin', Prod: '' });
    expect(out.disableExecuteApiEndpoint).toBe(true);
  });
});

describe('importHttpApi: authorizers and route authorization', () => {
  const schemes = {
    'jwt-auth': {
      type: 'oauth2',
      'x-amazon-apigateway-authorizer': { type: 'jwt', identitySource: '$request.header.Authorization', jwtConfiguration: { issuer: 'https://issuer.example.com', audience: ['aud1', 'aud2'] } },
    },
    discovered: {
      type: 'openIdConnect', openIdConnectUrl: 'https://cognito-idp.us-east-1.amazonaws.com/pool/.well-known/openid-configuration',
      'x-amazon-apigateway-authorizer': { type: 'jwt', jwtConfiguration: { audience: ['aud'] } },
    },
    'lambda-auth': {
      type: 'apiKey', name: 'Authorization', in: 'header',
      'x-amazon-apigateway-authorizer': {
        type: 'request', identitySource: '$request.header.Authorization, $request.querystring.token', authorizerUri: lambda('auth'),
        authorizerCredentials: 'arn:aws:iam::123456789012:role/auth', authorizerPayloadFormatVersion: '2.0', authorizerResultTtlInSeconds: '300', enableSimpleResponses: true,
      },
    },
    sigv4: { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'awsSigv4' },
  };

  it('makes an authorizer of each x-amazon-apigateway-authorizer scheme', () => {
    const out = load(api({}, { components: { securitySchemes: schemes } }));
    expect(out.authorizers).toEqual([
      { authorizerId: 'a1', name: 'jwt-auth', authorizerType: 'JWT', identitySource: ['$request.header.Authorization'], jwtConfiguration: { issuer: 'https://issuer.example.com', audience: ['aud1', 'aud2'] } },
      // documented: openIdConnectUrl names the issuer
      { authorizerId: 'a2', name: 'discovered', authorizerType: 'JWT', identitySource: ['$request.header.Authorization'], jwtConfiguration: { issuer: 'https://cognito-idp.us-east-1.amazonaws.com/pool', audience: ['aud'] } },
      {
        authorizerId: 'a3', name: 'lambda-auth', authorizerType: 'REQUEST', identitySource: ['$request.header.Authorization', '$request.querystring.token'],
        authorizerUri: lambda('auth'), authorizerPayloadFormatVersion: '2.0', authorizerCredentialsArn: 'arn:aws:iam::123456789012:role/auth',
        authorizerResultTtlInSeconds: 300, enableSimpleResponses: true,
      },
    ]);
  });

  it('reads a REST identity source as the HTTP API one', () => {
    const out = load(api({}, { components: { securitySchemes: { r: { type: 'apiKey', name: 'auth', in: 'header', 'x-amazon-apigateway-authorizer': {
      type: 'request', identitySource: 'method.request.header.auth, stageVariables.stage', authorizerUri: lambda('a'), authorizerPayloadFormatVersion: '1.0',
    } } } } }));
    expect(out.authorizers[0].identitySource).toEqual(['$request.header.auth', '$stageVariables.stage']);
  });

  it('authorizes each route from its security, else the document\'s; `security: []` opens one', () => {
    const out = load(api({
      '/jwt': { get: { security: [{ 'jwt-auth': ['email', 'profile'] }] } },
      '/lambda': { get: { security: [{ 'lambda-auth': [] }] } },
      '/iam': { get: { security: [{ sigv4: [] }] } },
      '/inherited': { get: {} },
      '/open': { get: { security: [] } },
      '/explicit': { get: { 'x-amazon-apigateway-auth': { type: 'AWS_IAM' } } },
    }, { security: [{ discovered: [] }], components: { securitySchemes: schemes } }));
    expect(out.routes.map(({ routeKey, authorizationType, authorizerId, authorizationScopes }) => ({ routeKey, authorizationType, authorizerId, authorizationScopes }))).toEqual([
      { routeKey: 'GET /jwt', authorizationType: 'JWT', authorizerId: 'a1', authorizationScopes: ['email', 'profile'] },
      { routeKey: 'GET /lambda', authorizationType: 'CUSTOM', authorizerId: 'a3', authorizationScopes: undefined },
      { routeKey: 'GET /iam', authorizationType: 'AWS_IAM', authorizerId: undefined, authorizationScopes: undefined },
      { routeKey: 'GET /inherited', authorizationType: 'JWT', authorizerId: 'a2', authorizationScopes: undefined },
      { routeKey: 'GET /open', authorizationType: 'NONE', authorizerId: undefined, authorizationScopes: undefined },
      { routeKey: 'GET /explicit', authorizationType: 'AWS_IAM', authorizerId: undefined, authorizationScopes: undefined },
    ]);
  });

  it('warns about schemes that are neither an authorizer nor IAM, and scopes on a Lambda authorizer', () => {
    const out = load(api({ '/a': { get: { security: [{ key: [] }] } }, '/b': { get: { security: [{ 'lambda-auth': ['s'] }] } } }, {
      components: { securitySchemes: { ...schemes, key: { type: 'apiKey', name: 'x-api-key', in: 'header' } } },
    }));
    expect(out.routes.map((r) => r.authorizationType)).toEqual(['NONE', 'CUSTOM']);
    expect(out.warnings).toEqual([
      "Security scheme 'key' used by GET /a is neither an authorizer nor IAM; ignored",
      "Scopes of security scheme 'lambda-auth' used by GET /b apply only to JWT authorizers; ignored",
    ]);
  });
});

describe('importHttpApi: warnings', () => {
  it('warns about, and leaves without an integration, a route whose integration type HTTP APIs do not have (documented)', () => {
    const out = load(api({ '/': { get: { 'x-amazon-apigateway-integration': { type: 'AWS', httpMethod: 'POST', uri: lambda('a'), payloadFormatVersion: '1.0' } } } }));
    expect(out.routes[0].target).toBeUndefined();
    expect(out.integrations).toEqual([]);
    expect(out.warnings).toEqual(["Unsupported integration type 'AWS' for route 'GET /': HTTP APIs support AWS_PROXY and HTTP_PROXY integrations; ignored"]);
  });

  it('warns about a reference to nothing, and refuses it with failOnWarnings (Terraform\'s recorded case)', () => {
    const doc = api({ '/update': { get: {
      'x-amazon-apigateway-integration': { type: 'HTTP_PROXY', httpMethod: 'GET', payloadFormatVersion: '1.0', uri: 'https://www.example.com' },
      responses: { 200: { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/ModelThatDoesNotExist' } } } } },
    } } });
    expect(load(doc).warnings).toEqual(["Parse issue: attribute paths.'/update'(get).responses.200.content.schema.#/components/schemas/ModelThatDoesNotExist is missing"]);
    expect(refusal(doc, { failOnWarnings: true }).message)
      .toBe("Warnings found during import:\n\tParse issue: attribute paths.'/update'(get).responses.200.content.schema.#/components/schemas/ModelThatDoesNotExist is missing");
  });

  it('warns about unknown extensions, mapping keys, TRACE and snake_case CORS properties; REST-only extensions are info', () => {
    const out = load(api({
      '/a': {
        trace: {},
        get: { 'x-amazon-apigateway-request-validator': 'all', 'x-amazon-apigateway-magic': 1, 'x-amazon-apigateway-integration': {
          ...proxy('a'), requestParameters: { 'integration.request.header.x': 'method.request.header.y' }, responseParameters: { 200: { 'method.response.header.x': 'y' } },
        } },
      },
    }, { 'x-amazon-apigateway-binary-media-types': ['image/png'], 'x-amazon-apigateway-cors': { allow_methods: ['delete'] } }));
    expect(out.warnings).toEqual([
      "Method TRACE on path '/a' is not supported by HTTP APIs; ignored",
      "Invalid request parameter mapping 'integration.request.header.x' for route 'GET /a'; ignored",
      "Invalid response parameter mapping 'method.response.header.x' for route 'GET /a'; ignored",
      'Unsupported extension x-amazon-apigateway-magic on GET /a; ignored',
      "Unknown x-amazon-apigateway-cors property 'allow_methods'; ignored",
    ]);
    expect(out.corsConfiguration).toBeUndefined();
    expect(out.importInfo).toEqual([
      'x-amazon-apigateway-binary-media-types is not supported for HTTP APIs; ignored',
      'x-amazon-apigateway-request-validator is not supported for HTTP APIs; ignored',
    ]);
  });
});

describe('importHttpApi: refusals', () => {
  const errors = (doc: Json) => refusal(doc).message;
  const route = (operation: Json) => api({ '/a': { get: operation } });
  const integration = (fields: Json) => route({ 'x-amazon-apigateway-integration': fields });
  const scheme = (authorizer: Json, extra: Json = {}) => api({}, { components: { securitySchemes: { s: { type: 'apiKey', name: 'h', in: 'header', 'x-amazon-apigateway-authorizer': authorizer, ...extra } } } });

  it('refuses what cannot be read, Swagger 2.0 (HTTP APIs are OpenAPI 3 only, documented) and a nameless API', () => {
    expect(refusal('{not json').message).toMatch(/^Invalid OpenAPI input\. JSON error/);
    expect(errors({ swagger: '2.0', info: { title: 't', version: '1' }, paths: {} })).toBe('Invalid OpenAPI input. HTTP APIs support only OpenAPI 3.0 definitions.');
    expect(errors({ openapi: '3.0.1', info: { version: '1' }, paths: {} })).toBe('Errors found during import:\n\tThe API needs a name: info.title is missing');
  });

  it('refuses malformed and invalid integrations', () => {
    expect(errors(integration({ uri: lambda('a') }))).toBe('Errors found during import:\n\tUnable to parse API definition because of a malformed integration at path /a.');
    expect(errors(integration({ type: 'aws_proxy' }))).toBe('Errors found during import:\n\tUnable to parse API definition because of a malformed integration at path /a.');
    const what = "Errors found during import:\n\tUnable to create integration for route 'GET /a': ";
    expect(errors(integration({ type: 'http_proxy', uri: 'https://e.com', payloadFormatVersion: '2.0' }))).toBe(`${what}payloadFormatVersion 2.0 is supported only for AWS_PROXY integrations`);
    expect(errors(integration(proxy('a', { payloadFormatVersion: '3.0' })))).toBe(`${what}unsupported payloadFormatVersion '3.0'`);
    expect(errors(integration(proxy('a', { timeoutInMillis: 30001 })))).toBe(`${what}timeoutInMillis must be an integer from 50 to 30000`);
    expect(errors(integration(proxy('a', { connectionType: 'PRIVATE' })))).toBe(`${what}connectionType must be INTERNET or VPC_LINK, not 'PRIVATE'`);
  });

  it('refuses more than one security requirement (documented), or more than one kind of authorization in one', () => {
    const withSchemes = (operation: Json) => ({ ...route(operation), components: { securitySchemes: {
      iam: { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'awsSigv4' },
      jwt: { type: 'oauth2', 'x-amazon-apigateway-authorizer': { type: 'jwt', jwtConfiguration: { issuer: 'https://i' } } },
    } } });
    expect(errors(withSchemes({ security: [{ iam: [] }, { jwt: [] }] })))
      .toBe("Errors found during import:\n\tUnable to create route 'GET /a': HTTP APIs support only one security requirement per operation");
    expect(errors(withSchemes({ security: [{ iam: [], jwt: [] }] })))
      .toBe("Errors found during import:\n\tUnable to create route 'GET /a': a route can use only one of IAM authorization, a Lambda authorizer or a JWT authorizer");
    expect(errors(withSchemes({ security: [{ jwt: [] }], 'x-amazon-apigateway-auth': { type: 'AWS_IAM' } })))
      .toBe("Errors found during import:\n\tUnable to create route 'GET /a': x-amazon-apigateway-auth and security name different authorization types");
    expect(errors(withSchemes({ 'x-amazon-apigateway-auth': { type: 'COGNITO' } })))
      .toBe("Errors found during import:\n\tUnable to create route 'GET /a': x-amazon-apigateway-auth type must be AWS_IAM or NONE, not 'COGNITO'");
    expect(errors(route({ security: [{ missing: [] }] }))).toBe("Errors found during import:\n\tUnable to create route 'GET /a': security scheme 'missing' is not defined");
  });

  it('refuses authorizers HTTP APIs cannot have', () => {
    const what = "Errors found during import:\n\tUnable to create authorizer 's': ";
    expect(errors(scheme({ type: 'token', authorizerUri: lambda('a') }))).toBe(`${what}HTTP APIs support only jwt and request authorizers, not 'token'`);
    expect(errors(scheme({ type: 'jwt', jwtConfiguration: { audience: ['a'] } }))).toBe(`${what}a JWT authorizer needs jwtConfiguration.issuer or an openIdConnectUrl`);
    expect(errors(scheme({ type: 'request', authorizerPayloadFormatVersion: '2.0' }))).toBe(`${what}authorizerUri is required for a request authorizer`);
    expect(errors(scheme({ type: 'request', authorizerUri: lambda('a') }))).toBe(`${what}AuthorizerPayloadFormatVersion is a required parameter for REQUEST authorizer`);
    expect(errors(scheme({ type: 'request', authorizerUri: lambda('a'), authorizerPayloadFormatVersion: '2.0', authorizerResultTtlInSeconds: 3601 })))
      .toBe(`${what}authorizerResultTtlInSeconds must be an integer from 0 to 3600`);
  });

  it('refuses duplicate routes, a greedy variable before the end, an operation that is not an object and bad CORS', () => {
    const fallback = { 'x-amazon-apigateway-any-method': { isDefaultRoute: true } };
    expect(errors(api({ '/$default': fallback, '/other': fallback })))
      .toBe("Errors found during import:\n\tUnable to create route '$default': the document defines it more than once");
    expect(errors(api({ '/{proxy+}/a': { get: {} } })))
      .toBe("Errors found during import:\n\tUnable to create route 'GET /{proxy+}/a': a greedy path variable must be the last part of the path");
    expect(load(api({ '/a': { constructor: {}, toString: {} } })).routes).toEqual([]);
    expect(errors(api({ '/a': { get: 'nope' } }))).toBe("Errors found during import:\n\tUnable to create route 'GET /a': the operation is not an object");
    expect(errors(api({}, { 'x-amazon-apigateway-cors': { allowOrigins: '*', allowCredentials: 'yes', maxAge: 90000 } }))).toBe([
      'Errors found during import:',
      'Invalid x-amazon-apigateway-cors: allowOrigins must be a list of strings',
      'Invalid x-amazon-apigateway-cors: allowCredentials must be a boolean',
      'Invalid x-amazon-apigateway-cors: maxAge must be an integer from -1 to 86400',
    ].join('\n\t'));
  });
});

describe('isHttpApiDocument', () => {
  const doc = (root: Json) => parseOpenApi(JSON.stringify(root));

  it('recognises the extensions only HTTP APIs read', () => {
    expect(isHttpApiDocument(doc({ ...api({}), 'x-amazon-apigateway-importexport-version': '1.0' }))).toBe(true);
    expect(isHttpApiDocument(doc({ ...api({}), 'x-amazon-apigateway-cors': { allowOrigins: ['*'] } }))).toBe(true);
    expect(isHttpApiDocument(doc(api({}, { components: { 'x-amazon-apigateway-integrations': {} } })))).toBe(true);
    expect(isHttpApiDocument(doc(api({ '/a': { get: { 'x-amazon-apigateway-integration': proxy() } } })))).toBe(true);
    expect(isHttpApiDocument(doc(api({ '/$default': { 'x-amazon-apigateway-any-method': { isDefaultRoute: true } } })))).toBe(true);
    expect(isHttpApiDocument(doc(api({}, { components: { securitySchemes: { j: { type: 'oauth2', 'x-amazon-apigateway-authorizer': { type: 'jwt' } } } } })))).toBe(true);
  });

  it('leaves Swagger 2.0 and REST API documents to the REST importer', () => {
    expect(isHttpApiDocument(doc({ swagger: '2.0', info: { title: 't', version: '1' }, paths: {}, 'x-amazon-apigateway-importexport-version': '1.0' }))).toBe(false);
    expect(isHttpApiDocument(doc(api({ '/a': { get: { 'x-amazon-apigateway-integration': { type: 'aws_proxy', httpMethod: 'POST', uri: lambda('a') } } } })))).toBe(false);
    expect(isHttpApiDocument(doc(api({})))).toBe(false);
  });
});

describe('exportHttpApi', () => {
  const stage: HttpStage = {
    stageName: '$default', autoDeploy: true, stageVariables: {}, defaultRouteSettings: {}, routeSettings: {},
    createdDate: '2025-06-20T17:00:00.000Z', lastUpdatedDate: '2025-06-20T17:22:45.123Z', tags: {},
  };
  const source = api({
    '/weather': { 'x-amazon-apigateway-any-method': { 'x-amazon-apigateway-integration': proxy('weather') } },
    '/items/{id}': {
      get: { operationId: 'getItem', security: [{ jwt: ['email'] }], 'x-amazon-apigateway-integration': {
        type: 'HTTP_PROXY', httpMethod: 'GET', uri: 'https://backend.example.com/items/{id}', payloadFormatVersion: '1.0', timeoutInMillis: 12000,
        requestParameters: { 'append:querystring.id': '$request.path.id' }, responseParameters: { 200: { 'overwrite:header.Cache-Control': 'max-age=2' } },
      } },
      delete: { security: [{ lambda: [] }], 'x-amazon-apigateway-integration': proxy('weather') },
    },
    '/admin/{proxy+}': { post: { security: [{ iam: [] }] } },
    '/$default': { 'x-amazon-apigateway-any-method': { isDefaultRoute: true, 'x-amazon-apigateway-integration': proxy('fallback') } },
  }, {
    info: { title: 'weather-app-api', description: 'Weather' },
    tags: [{ name: 'team', 'x-amazon-apigateway-tag-value': 'blue' }],
    'x-amazon-apigateway-cors': { allowOrigins: ['https://app.example.com'], allowMethods: ['GET'], maxAge: 300, allowCredentials: false },
    components: {
      securitySchemes: {
        jwt: { type: 'oauth2', 'x-amazon-apigateway-authorizer': { type: 'jwt', identitySource: '$request.header.Authorization', jwtConfiguration: { audience: ['aud'], issuer: 'https://issuer.example.com' } } },
        lambda: { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authorizer': {
          type: 'request', identitySource: '$request.header.Authorization', authorizerUri: lambda('auth'), authorizerPayloadFormatVersion: '2.0', authorizerResultTtlInSeconds: 300,
        } },
        iam: { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'awsSigv4' },
      },
      'x-amazon-apigateway-integrations': { spare: proxy('spare') },
    },
  });
  const imported = load(source);

  it('writes the document in AWS\'s export shape', () => {
    const out = exportHttpApi(definition(imported), stage, { includeExtensions: true, serverUrl: 'https://abc123.execute-api.us-east-1.amazonaws.com/' });
    expect(JSON.parse(JSON.stringify(out))).toEqual({
      openapi: '3.0.1',
      info: { title: 'weather-app-api', description: 'Weather', version: '2025-06-20 17:22:45UTC' },
      servers: [{ url: 'https://abc123.execute-api.us-east-1.amazonaws.com/{basePath}', variables: { basePath: { default: '' } } }],
      tags: [{ name: 'team', 'x-amazon-apigateway-tag-value': 'blue' }],
      paths: {
        '/weather': { 'x-amazon-apigateway-any-method': {
          responses: { default: { description: 'Default response for ANY /weather' } },
          'x-amazon-apigateway-integration': { payloadFormatVersion: '2.0', type: 'aws_proxy', httpMethod: 'POST', uri: lambda('weather'), connectionType: 'INTERNET' },
        } },
        '/items/{id}': {
          get: {
            responses: { default: { description: 'Default response for GET /items/{id}' } },
            operationId: 'getItem',
            security: [{ jwt: ['email'] }],
            'x-amazon-apigateway-integration': {
              responseParameters: { 200: { 'overwrite:header.Cache-Control': 'max-age=2' } }, requestParameters: { 'append:querystring.id': '$request.path.id' },
              payloadFormatVersion: '1.0', type: 'http_proxy', httpMethod: 'GET', uri: 'https://backend.example.com/items/{id}', connectionType: 'INTERNET', timeoutInMillis: 12000,
            },
          },
          delete: {
            responses: { default: { description: 'Default response for DELETE /items/{id}' } },
            security: [{ lambda: [] }],
            'x-amazon-apigateway-integration': { payloadFormatVersion: '2.0', type: 'aws_proxy', httpMethod: 'POST', uri: lambda('weather'), connectionType: 'INTERNET' },
          },
          parameters: [{ name: 'id', in: 'path', description: 'Generated path parameter for id', required: true, schema: { type: 'string' } }],
        },
        '/admin/{proxy+}': {
          post: { responses: { default: { description: 'Default response for POST /admin/{proxy+}' } }, security: [{ sigv4: [] }] },
          parameters: [{ name: 'proxy+', in: 'path', description: 'Generated path parameter for proxy+', required: true, schema: { type: 'string' } }],
        },
        '/$default': { 'x-amazon-apigateway-any-method': {
          isDefaultRoute: true,
          responses: { default: { description: 'Default response for $default' } },
          'x-amazon-apigateway-integration': { payloadFormatVersion: '2.0', type: 'aws_proxy', httpMethod: 'POST', uri: lambda('fallback'), connectionType: 'INTERNET' },
        } },
      },
      components: {
        securitySchemes: {
          jwt: { type: 'oauth2', flows: {}, 'x-amazon-apigateway-authorizer': {
            identitySource: '$request.header.Authorization', jwtConfiguration: { issuer: 'https://issuer.example.com', audience: ['aud'] }, type: 'jwt',
          } },
          lambda: { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authorizer': {
            identitySource: '$request.header.Authorization', authorizerUri: lambda('auth'), authorizerPayloadFormatVersion: '2.0', authorizerResultTtlInSeconds: 300,
            type: 'request', enableSimpleResponses: false,
          } },
          sigv4: { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'awsSigv4' },
        },
        'x-amazon-apigateway-integrations': {
          unusedIntegration_i1: { payloadFormatVersion: '2.0', type: 'aws_proxy', httpMethod: 'POST', uri: lambda('spare'), connectionType: 'INTERNET' },
        },
      },
      'x-amazon-apigateway-cors': { allowMethods: ['GET'], maxAge: 300, allowCredentials: false, allowOrigins: ['https://app.example.com'] },
      'x-amazon-apigateway-importexport-version': '1.0',
    });
  });

  it('names a stage in the base path and keeps the API\'s version', () => {
    const out = exportHttpApi({ ...definition(imported), api: { ...definition(imported).api, version: 'v7' } }, { ...stage, stageName: 'prod' },
      { includeExtensions: true, serverUrl: 'https://abc123.execute-api.us-east-1.amazonaws.com' });
    expect(out.servers).toEqual([{ url: 'https://abc123.execute-api.us-east-1.amazonaws.com/{basePath}', variables: { basePath: { default: 'prod' } } }]);
    expect((out.info as Json).version).toBe('v7');
  });

  it('leaves the API Gateway extensions out when asked, keeping the routes and plain security schemes', () => {
    const out = exportHttpApi(definition(imported), undefined, { includeExtensions: false, serverUrl: 'https://abc123.execute-api.us-east-1.amazonaws.com' });
    const text = JSON.stringify(out);
    expect(text).not.toMatch(/x-amazon-apigateway-(integration|authorizer|authtype|cors|importexport|tag-value)/);
    expect((out.info as Json).version).toBe('2024-05-06 07:08:09UTC'); // no stage: the API's creation
    expect(Object.keys(out.paths as Json)).toEqual(['/weather', '/items/{id}', '/admin/{proxy+}', '/$default']);
    expect((out.components as Json).securitySchemes).toEqual({
      jwt: { type: 'oauth2', flows: {} }, lambda: { type: 'apiKey', name: 'Authorization', in: 'header' }, sigv4: { type: 'apiKey', name: 'Authorization', in: 'header' },
    });
  });

  it('round-trips: import → export → import gives the same routes, integrations and authorizers', () => {
    for (const yaml of [false, true]) {
      const exported = exportHttpApi(definition(imported), stage, { includeExtensions: true, serverUrl: 'https://abc123.execute-api.us-east-1.amazonaws.com' });
      const again = importHttpApi(yaml ? toYaml(exported) : JSON.stringify(exported), options());
      expect(again.warnings).toEqual([]);
      expect(described(again)).toEqual(described(imported));
      expect(again).toMatchObject({ name: imported.name, description: imported.description, corsConfiguration: imported.corsConfiguration });
      expect({ ...again.tags }).toEqual({ ...imported.tags });
    }
    const pets = importHttpApi(JSON.stringify(PET_STORE), options());
    const back = importHttpApi(JSON.stringify(exportHttpApi(definition(pets), stage, { includeExtensions: true, serverUrl: 'https://e.com' })), options());
    expect(described(back)).toEqual(described(pets));
  });
});

describe('export with authorizers that share a name', () => {
  it('gives each its own security scheme, so a re-import keeps every route on its own authorizer', () => {
    const base = definition(load(api({ '/x': { get: { 'x-amazon-apigateway-integration': proxy() } } })));
    base.authorizers = [
      { authorizerId: 'jwt001', name: 'auth', authorizerType: 'JWT', identitySource: ['$request.header.Authorization'], jwtConfiguration: { issuer: 'https://issuer.test', audience: ['a'] } },
      { authorizerId: 'req001', name: 'auth', authorizerType: 'REQUEST', identitySource: ['$request.header.x-key'], authorizerUri: lambda('gate'), authorizerPayloadFormatVersion: '2.0', enableSimpleResponses: true },
      { authorizerId: 'sig001', name: 'sigv4', authorizerType: 'REQUEST', identitySource: ['$request.header.x-key'], authorizerUri: lambda('gate'), authorizerPayloadFormatVersion: '2.0', enableSimpleResponses: true },
    ];
    base.routes = [
      { ...base.routes[0], routeKey: 'GET /jwt', authorizationType: 'JWT', authorizerId: 'jwt001' },
      { ...base.routes[0], routeId: 'r2', routeKey: 'GET /req', authorizationType: 'CUSTOM', authorizerId: 'req001' },
      { ...base.routes[0], routeId: 'r3', routeKey: 'GET /iam', authorizationType: 'AWS_IAM' },
      { ...base.routes[0], routeId: 'r4', routeKey: 'GET /named-sigv4', authorizationType: 'CUSTOM', authorizerId: 'sig001' },
    ];
    const again = load(exportHttpApi(base, undefined, { includeExtensions: true, serverUrl: 'http://localhost' }) as Json);
    const typeOf = (routeKey: string) => {
      const route = again.routes.find((candidate) => candidate.routeKey === routeKey);
      return { type: route?.authorizationType, authorizer: again.authorizers.find((authorizer) => authorizer.authorizerId === route?.authorizerId)?.authorizerType };
    };
    expect(typeOf('GET /jwt')).toEqual({ type: 'JWT', authorizer: 'JWT' });
    expect(typeOf('GET /req')).toEqual({ type: 'CUSTOM', authorizer: 'REQUEST' });
    expect(typeOf('GET /iam')).toEqual({ type: 'AWS_IAM', authorizer: undefined });
    expect(typeOf('GET /named-sigv4')).toEqual({ type: 'CUSTOM', authorizer: 'REQUEST' });
    expect(again.authorizers).toHaveLength(3);
  });
});
