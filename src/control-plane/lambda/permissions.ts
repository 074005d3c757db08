// Resource policy: AddPermission, RemovePermission, GetPolicy. Statements are stored and
// returned in AWS's shapes; API Gateway's invocations are checked against them only with
// `--enforce-lambda-permissions`. https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html
// Messages: LocalStack's (recorded against AWS) unless marked unverified.
import { resourceConflict, resourceNotFound } from '../../functions/errors.js';
import { LATEST, type FunctionDefinition, type PolicyStatement } from '../../functions/model.js';
import { newRevisionId } from '../../functions/registry.js';
import type { OperationDefinition } from '../route-table.js';
import { optString, validationException } from '../apigateway/validation.js';
import type { LambdaContext } from './context.js';
import { checkRevision } from './functions.js';
import { json, lambdaOperation } from './wire.js';

const STATEMENT_ID = /^([a-zA-Z0-9-_.]+)$/;
const ACTION = /^(lambda:[*]|lambda:[a-zA-Z]+|[*])$/;

/** The unqualified function, a version or an alias: each has its own policy. */
function policyTarget(ctx: LambdaContext, functionName: string, qualifierParameter: string | undefined): { name: string; key: string; arn: string } {
  const { name, qualifier } = ctx.registry.locate(functionName, qualifierParameter);
  const definition = ctx.registry.require(name);
  if (qualifier !== undefined && qualifier !== LATEST) ctx.registry.versionOf(definition, qualifier);
  const key = qualifier === undefined || qualifier === LATEST ? '' : qualifier;
  return { name, key, arn: ctx.registry.arn(name, key === '' ? undefined : key) };
}

function principalOf(principal: string): PolicyStatement['Principal'] {
  if (principal === '*') return '*';
  if (/^\d{12}$/.test(principal)) return { AWS: `arn:aws:iam::${principal}:root` };
  if (principal.startsWith('arn:')) return { AWS: principal };
  return { Service: principal };
}

function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements });
}

function policyRevision(definition: FunctionDefinition, key: string): string {
  return key === '' ? definition.latest.RevisionId : definition.versions[key]?.RevisionId ?? definition.aliases[key]?.RevisionId ?? definition.latest.RevisionId;
}

export function permissionOperations(ctx: LambdaContext): OperationDefinition[] {
  const { registry } = ctx;
  const operations: OperationDefinition[] = [
    {
      name: 'AddPermission',
      method: 'POST',
      uri: '/2015-03-31/functions/{FunctionName}/policy',
      handler: async ({ params, query, body }) => {
        const target = policyTarget(ctx, params.FunctionName, query.get('Qualifier') ?? undefined);
        const sid = optString(body, 'StatementId') ?? '';
        const action = optString(body, 'Action') ?? '';
        const principal = optString(body, 'Principal') ?? '';
        const errors: string[] = [];
        if (!STATEMENT_ID.test(sid)) errors.push(`Value '${sid}' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_.]+)`);
        if (!ACTION.test(action)) errors.push(`Value '${action}' at 'action' failed to satisfy constraint: Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])`);
        if (principal === '') errors.push(`Value null at 'principal' failed to satisfy constraint: Member must not be null`);
        if (errors.length > 0) throw validationException(errors);
        const statement: PolicyStatement = { Sid: sid, Effect: 'Allow', Principal: principalOf(principal), Action: action, Resource: target.arn };
        const condition: Record<string, Record<string, string>> = {};
        const sourceArn = optString(body, 'SourceArn');
        const sourceAccount = optString(body, 'SourceAccount');
        if (sourceArn !== undefined) condition.ArnLike = { 'AWS:SourceArn': sourceArn };
        if (sourceAccount !== undefined) condition.StringEquals = { 'AWS:SourceAccount': sourceAccount };
        if (Object.keys(condition).length > 0) statement.Condition = condition;
        const expected = optString(body, 'RevisionId');
        await registry.update(target.name, (definition) => {
          checkRevision(expected, policyRevision(definition, target.key));
          const statements = (definition.policies[target.key] ??= []);
          if (statements.some((existing) => existing.Sid === sid)) {
            throw resourceConflict('The statement id (sid) you provided already exists. Please provide a new statement id, or remove the existing statement.');
          }
          statements.push(statement);
        });
        return json(201, { Statement: JSON.stringify(statement) });
      },
    },
    {
      name: 'RemovePermission',
      method: 'DELETE',
      uri: '/2015-03-31/functions/{FunctionName}/policy/{StatementId}',
      handler: async ({ params, query }) => {
        const target = policyTarget(ctx, params.FunctionName, query.get('Qualifier') ?? undefined);
        const expected = query.get('RevisionId') ?? undefined;
        await registry.update(target.name, (definition) => {
          checkRevision(expected, policyRevision(definition, target.key));
          const statements = definition.policies[target.key];
          if (statements === undefined || statements.length === 0) throw resourceNotFound('No policy is associated with the given resource.');
          const index = statements.findIndex((statement) => statement.Sid === params.StatementId);
          if (index === -1) throw resourceNotFound(`Statement ${params.StatementId} is not found in resource policy.`);
          statements.splice(index, 1);
          if (statements.length === 0) delete definition.policies[target.key];
        });
        return { statusCode: 204 };
      },
    },
    {
      name: 'GetPolicy',
      method: 'GET',
      uri: '/2015-03-31/functions/{FunctionName}/policy',
      handler: ({ params, query }) => {
        const target = policyTarget(ctx, params.FunctionName, query.get('Qualifier') ?? undefined);
        const definition = registry.require(target.name);
        const statements = definition.policies[target.key];
        if (statements === undefined || statements.length === 0) throw resourceNotFound('The resource you requested does not exist.');
        return json(200, { Policy: policyDocument(statements), RevisionId: policyRevision(definition, target.key) ?? newRevisionId() });
      },
    },
  ];
  return operations.map(lambdaOperation);
}
