// Tags of HTTP APIs and their stages: TagResource, UntagResource, GetTags on
// `arn:aws:apigateway:{region}::/apis/{apiId}[/stages/{stageName}]` (URL-encoded in the path)
// (https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/tags-resource-arn.html).
import { badRequest } from '../../aws/errors.js';
import type { OperationDefinition, OperationRequest } from '../route-table.js';
import { optStringMap } from '../apigateway/validation.js';
import { readApi, stageNotFound, type ApiGatewayV2Context } from './context.js';

const TAGGABLE_ARN = /^arn:aws[\w-]*:apigateway:[a-z0-9-]*::\/apis\/([^/]+)(?:\/stages\/([^/]+))?$/;

interface TagTarget {
  apiId: string;
  stageName: string | undefined;
}

function targetOf(request: OperationRequest): TagTarget {
  const m = TAGGABLE_ARN.exec(request.params['resource-arn']);
  if (m === null) throw badRequest('Invalid ARN specified in the request'); // unverified for v2
  return { apiId: m[1], stageName: m[2] };
}

async function readTags(ctx: ApiGatewayV2Context, target: TagTarget): Promise<Record<string, string>> {
  const definition = await readApi(ctx, target.apiId);
  if (target.stageName === undefined) return definition.api.tags;
  const stage = await ctx.store.httpApis.getStage(target.apiId, target.stageName);
  if (stage === undefined) throw stageNotFound(ctx.env, target.apiId, target.stageName);
  return stage.tags;
}

async function writeTags(ctx: ApiGatewayV2Context, target: TagTarget, change: (tags: Record<string, string>) => void): Promise<void> {
  if (target.stageName === undefined) {
    // Tags are not served: no auto-deploy for them.
    if ((await ctx.store.httpApis.updateApi(target.apiId, (definition) => change(definition.api.tags))) === undefined) await readApi(ctx, target.apiId);
    return;
  }
  await readApi(ctx, target.apiId);
  const outcome = await ctx.store.httpApis.updateStage(target.apiId, target.stageName, (stage) => change(stage.tags));
  if (outcome === undefined) throw stageNotFound(ctx.env, target.apiId, target.stageName);
}

export function tagOperations(ctx: ApiGatewayV2Context): OperationDefinition[] {
  const uri = '/v2/tags/{resource-arn}';
  return [
    { name: 'GetTags', method: 'GET', uri, handler: async (request) => ({ statusCode: 200, body: { tags: await readTags(ctx, targetOf(request)) } }) },
    {
      name: 'TagResource', method: 'POST', uri,
      handler: async (request) => {
        const tags = optStringMap(request.body, 'tags') ?? {};
        await writeTags(ctx, targetOf(request), (current) => Object.assign(current, tags));
        return { statusCode: 201, body: {} };
      },
    },
    {
      name: 'UntagResource', method: 'DELETE', uri,
      handler: async (request) => {
        const keys = request.query.getAll('tagKeys');
        await writeTags(ctx, targetOf(request), (current) => {
          for (const key of keys) delete current[key];
        });
        return { statusCode: 204 };
      },
    },
  ];
}
