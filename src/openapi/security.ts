// Security schemes and requirements: `x-amazon-apigateway-authorizer` schemes become authorizers,
// an apiKey scheme for the `x-api-key` header without one means `apiKeyRequired`,
// `x-amazon-apigateway-authtype: awsSigv4` means AWS_IAM. https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-authorizer.html
// and …-swagger-extensions-authtype.html. Lambda (CUSTOM) and COGNITO_USER_POOLS methods are enforced on requests.
import type { AuthorizationType } from '../model/rest-api.js';
import type { Body } from '../control-plane/apigateway/validation.js';
import { EXTENSION_PREFIX, isObject, text, type ImportProblems, type OpenApiDocument } from './document.js';
import type { References } from './refs.js';

export interface MethodAuth {
  authorizationType: AuthorizationType;
  authorizerName?: string;
  apiKeyRequired: boolean;
  authorizationScopes?: string[];
}

type SchemeKind = { kind: 'authorizer'; cognito: boolean } | { kind: 'apiKey' } | { kind: 'iam' } | { kind: 'other' };

const AUTHORIZER_FIELDS = ['authorizerUri', 'authorizerCredentials', 'identityValidationExpression'] as const;

export class SecuritySchemes {
  readonly #schemes = new Map<string, SchemeKind>();
  readonly #authorizers: { name: string; body: Body }[] = [];
  readonly #problems: ImportProblems;

  constructor(doc: OpenApiDocument, refs: References, problems: ImportProblems) {
    this.#problems = problems;
    const schemes = doc.version === 'swagger2'
      ? doc.root.securityDefinitions
      : isObject(doc.root.components) ? doc.root.components.securitySchemes : undefined;
    if (!isObject(schemes)) return;
    for (const [name, raw] of Object.entries(schemes)) {
      let scheme: unknown;
      try {
        scheme = refs.resolve(raw);
      } catch (error) {
        problems.error(`Unable to read security scheme '${name}': ${(error as Error).message}`);
        continue;
      }
      if (!isObject(scheme)) continue;
      this.#schemes.set(name, this.#read(name, scheme));
    }
  }

  #read(name: string, scheme: Record<string, unknown>): SchemeKind {
    const authType = text(scheme[`${EXTENSION_PREFIX}authtype`]);
    const authorizer = scheme[`${EXTENSION_PREFIX}authorizer`];
    if (isObject(authorizer)) {
      const type = (text(authorizer.type) ?? 'token').toUpperCase();
      const body: Body = { name, type };
      if (authType) body.authType = authType;
      for (const key of AUTHORIZER_FIELDS) if (authorizer[key] !== undefined) body[key] = text(authorizer[key]) ?? authorizer[key];
      // A token comes from the scheme's header unless the authorizer says otherwise (documented).
      let identitySource = text(authorizer.identitySource);
      if (!identitySource && type !== 'REQUEST' && scheme.in === 'header' && typeof scheme.name === 'string') {
        identitySource = `method.request.header.${scheme.name}`;
      }
      if (identitySource) body.identitySource = identitySource;
      if (authorizer.authorizerResultTtlInSeconds !== undefined) {
        const ttl = Number(authorizer.authorizerResultTtlInSeconds);
        body.authorizerResultTtlInSeconds = Number.isFinite(ttl) ? ttl : authorizer.authorizerResultTtlInSeconds;
      }
      if (authorizer.providerARNs !== undefined) body.providerARNs = authorizer.providerARNs;
      this.#authorizers.push({ name, body });
      return { kind: 'authorizer', cognito: type === 'COGNITO_USER_POOLS' };
    }
    if (authType?.toLowerCase() === 'awssigv4') return { kind: 'iam' };
    // Only a scheme naming the x-api-key header is the API key (LocalStack's rule, checked against
    // AWS): `{type: apiKey, name: Authorization}` without an authorizer is not one.
    if (scheme.type === 'apiKey' && typeof scheme.name === 'string' && scheme.name.toLowerCase() === 'x-api-key') return { kind: 'apiKey' };
    return { kind: 'other' };
  }

  authorizers(): { name: string; body: Body }[] {
    return this.#authorizers;
  }

  /**
   * The method request's auth from `security` (the operation's, else the document's): the first
   * requirement object decides; its schemes combine (an authorizer and an API key).
   */
  methodAuth(requirements: unknown, where: string): MethodAuth {
    const auth: MethodAuth = { authorizationType: 'NONE', apiKeyRequired: false };
    if (!Array.isArray(requirements) || requirements.length === 0) return auth;
    if (requirements.length > 1) this.#problems.warn(`Only the first security requirement of ${where} is used`); // wording unverified
    const requirement = requirements[0];
    if (!isObject(requirement)) return auth;
    for (const [name, scopes] of Object.entries(requirement)) {
      const scheme = this.#schemes.get(name);
      if (!scheme) {
        this.#problems.warn(`Security scheme '${name}' used by ${where} is not defined; ignored`); // wording unverified
        continue;
      }
      if (scheme.kind === 'apiKey') auth.apiKeyRequired = true;
      else if (scheme.kind === 'iam') auth.authorizationType = 'AWS_IAM';
      else if (scheme.kind === 'authorizer') {
        auth.authorizationType = scheme.cognito ? 'COGNITO_USER_POOLS' : 'CUSTOM';
        auth.authorizerName = name;
        if (scheme.cognito && Array.isArray(scopes) && scopes.length > 0) auth.authorizationScopes = scopes.map(String);
      } else this.#problems.warn(`Security scheme '${name}' used by ${where} is not supported by API Gateway; ignored`); // wording unverified
    }
    return auth;
  }
}
