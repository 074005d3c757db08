// Versions and aliases: PublishVersion, ListVersionsByFunction, CreateAlias, GetAlias,
// UpdateAlias, DeleteAlias, ListAliases — so that qualified ARNs (`name:3`, `name:live`)
// resolve. https://docs.aws.amazon.com/lambda/latest/api/API_CreateAlias.html
// Messages: LocalStack's (recorded against AWS) unless marked unverified.
import { functionNotFound, invalidParameter, resourceConflict, resourceNotFound } from '../../functions/errors.js';
import { LATEST, type AliasRecord, type FunctionDefinition } from '../../functions/model.js';
import { newRevisionId } from '../../functions/registry.js';
import type { OperationDefinition } from '../route-table.js';
import { optString, validationException } from '../apigateway/validation.js';
import type { LambdaContext } from './context.js';
import { checkRevision, locateUnqualified, page, publishLatest } from './functions.js';
import { aliasOut, configurationOut, json, lambdaOperation } from './wire.js';

const ALIAS_NAME = /^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$/;

function checkAliasName(name: string): void {
  if (!ALIAS_NAME.test(name) || name.length > 128) {
    throw validationException([`Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)`]);
  }
}

function checkTargetVersion(ctx: LambdaContext, definition: FunctionDefinition, version: string): void {
  if (version !== LATEST && definition.versions[version] === undefined) throw functionNotFound(ctx.registry.arn(definition.name, version));
}

function aliasOf(ctx: LambdaContext, definition: FunctionDefinition, name: string): AliasRecord {
  const alias = definition.aliases[name];
  if (alias === undefined) throw resourceNotFound(`Cannot find alias arn: ${ctx.registry.arn(definition.name, name)}`);
  return alias;
}

export function versionOperations(ctx: LambdaContext): OperationDefinition[] {
  const { registry } = ctx;
  const operations: OperationDefinition[] = [
    {
      name: 'PublishVersion',
      method: 'POST',
      uri: '/2015-03-31/functions/{FunctionName}/versions',
      handler: async ({ params, body }) => {
        const { name } = locateUnqualified(ctx, params.FunctionName);
        const codeSha256 = optString(body, 'CodeSha256');
        const expected = optString(body, 'RevisionId');
        const description = optString(body, 'Description');
        const version = await registry.update(name, (definition) => {
          checkRevision(expected, definition.latest.RevisionId);
          if (codeSha256 !== undefined && codeSha256 !== definition.latest.CodeSha256) {
            throw invalidParameter(`CodeSHA256 (${codeSha256}) is different from current CodeSHA256 in $LATEST (${definition.latest.CodeSha256}). Please try again with the CodeSHA256 in $LATEST.`);
          }
          return publishLatest(ctx, definition, description);
        });
        return json(201, configurationOut(version));
      },
    },
    {
      name: 'ListVersionsByFunction',
      method: 'GET',
      uri: '/2015-03-31/functions/{FunctionName}/versions',
      handler: ({ params, query }) => {
        const definition = registry.require(locateUnqualified(ctx, params.FunctionName).name);
        const versions = [definition.latest, ...Object.values(definition.versions).sort((a, b) => Number(a.Version) - Number(b.Version))];
        return json(200, page(versions.map(configurationOut), query, 'Versions'));
      },
    },
    {
      name: 'CreateAlias',
      method: 'POST',
      uri: '/2015-03-31/functions/{FunctionName}/aliases',
      handler: async ({ params, body }) => {
        const { name } = locateUnqualified(ctx, params.FunctionName);
        const aliasName = optString(body, 'Name') ?? '';
        checkAliasName(aliasName);
        const functionVersion = optString(body, 'FunctionVersion') ?? '';
        const alias = await registry.update(name, (definition) => {
          const arn = registry.arn(name, aliasName);
          if (definition.aliases[aliasName] !== undefined) throw resourceConflict(`Alias already exists: ${arn}`);
          checkTargetVersion(ctx, definition, functionVersion);
          const created: AliasRecord = {
            AliasArn: arn, Name: aliasName, FunctionVersion: functionVersion, Description: optString(body, 'Description') ?? '', RevisionId: newRevisionId(),
          };
          definition.aliases[aliasName] = created;
          return created;
        });
        return json(201, aliasOut(alias));
      },
    },
    {
      name: 'GetAlias',
      method: 'GET',
      uri: '/2015-03-31/functions/{FunctionName}/aliases/{Name}',
      handler: ({ params }) => json(200, aliasOut(aliasOf(ctx, registry.require(locateUnqualified(ctx, params.FunctionName).name), params.Name))),
    },
    {
      name: 'UpdateAlias',
      method: 'PUT',
      uri: '/2015-03-31/functions/{FunctionName}/aliases/{Name}',
      handler: async ({ params, body }) => {
        const { name } = locateUnqualified(ctx, params.FunctionName);
        const functionVersion = optString(body, 'FunctionVersion');
        const description = optString(body, 'Description');
        const expected = optString(body, 'RevisionId');
        const alias = await registry.update(name, (definition) => {
          const current = aliasOf(ctx, definition, params.Name);
          checkRevision(expected, current.RevisionId);
          if (functionVersion !== undefined) {
            checkTargetVersion(ctx, definition, functionVersion);
            current.FunctionVersion = functionVersion;
          }
          if (description !== undefined) current.Description = description;
          current.RevisionId = newRevisionId();
          return current;
        });
        return json(200, aliasOut(alias));
      },
    },
    {
      name: 'DeleteAlias',
      method: 'DELETE',
      uri: '/2015-03-31/functions/{FunctionName}/aliases/{Name}',
      handler: async ({ params }) => {
        const { name } = locateUnqualified(ctx, params.FunctionName);
        await registry.update(name, (definition) => {
          delete definition.aliases[params.Name];
          delete definition.policies[params.Name];
        });
        return { statusCode: 204 };
      },
    },
    {
      name: 'ListAliases',
      method: 'GET',
      uri: '/2015-03-31/functions/{FunctionName}/aliases',
      handler: ({ params, query }) => {
        const definition = registry.require(locateUnqualified(ctx, params.FunctionName).name);
        const version = query.get('FunctionVersion');
        const aliases = Object.values(definition.aliases)
          .filter((alias) => version === null || alias.FunctionVersion === version)
          .sort((a, b) => (a.Name < b.Name ? -1 : 1));
        return json(200, page(aliases.map(aliasOut), query, 'Aliases'));
      },
    },
  ];
  return operations.map(lambdaOperation);
}
