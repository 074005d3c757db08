// Tags: TagResource, UntagResource, GetTags for REST API and stage ARNs
// (`arn:aws:apigateway:{region}::/restapis/{id}[/stages/{stage}]`, URL-encoded in the path).
// https://docs.aws.amazon.com/apigateway/latest/api/API_TagResource.html
import { badRequest } from '../../aws/errors.js';
import type { OperationDefinition } from '../route-table.js';
import { apiNotFound, mutateDefinition, readDefinition, type ApiGatewayContext } from './context.js';
import { stageNotFound } from './stages.js';
import { optStringMap } from './validation.js';

interface TagTarget {
  restApiId: string;
  stageName?: string;
}

const TAGGABLE_ARN = /^arn:aws[\w-]*:apigateway:([a-z0-9-]*)::\/restapis\/([^/]+)(?:\/stages\/([^/]+))?$/;

function parseArn(arn: string): TagTarget {
  const m = TAGGABLE_ARN.exec(arn);
  if (!m) throw badRequest('Invalid ARN specified in the request'); // unverified for tags
  return m[3] === undefined ? { restApiId: m[2] } : { restApiId: m[2], stageName: m[3] };
}

async function readTags(ctx: ApiGatewayContext, target: TagTarget): Promise<Record<string, string>> {
  if (target.stageName === undefined) return (await readDefinition(ctx, target.restApiId)).api.tags ?? {};
  const stage = await ctx.store.getStage(target.restApiId, target.stageName);
  if (!stage) throw stageNotFound();
  return stage.tags ?? {};
}

async function writeTags(ctx: ApiGatewayContext, target: TagTarget, change: (tags: Record<string, string>) => void): Promise<void> {
  if (target.stageName === undefined) {
    await mutateDefinition(ctx, target.restApiId, (definition) => {
      const tags = { ...definition.api.tags };
      change(tags);
      if (Object.keys(tags).length > 0) definition.api.tags = tags;
      else delete definition.api.tags;
    }, () => apiNotFound(ctx.env, target.restApiId));
    return;
  }
  const outcome = await ctx.store.updateStage(target.restApiId, target.stageName, (stage) => {
    const tags = { ...stage.tags };
    change(tags);
    if (Object.keys(tags).length > 0) stage.tags = tags;
    else delete stage.tags;
  });
  if (!outcome) throw stageNotFound();
}

export function tagOperations(ctx: ApiGatewayContext): OperationDefinition[] {
  return [
    {
      name: 'TagResource',
      method: 'PUT',
      uri: '/tags/{resource_arn}',
      handler: async ({ params, body }) => {
        const tags = optStringMap(body, 'tags') ?? {};
        await writeTags(ctx, parseArn(params.resource_arn), (current) => Object.assign(current, tags));
        return { statusCode: 204 };
      },
    },
    {
      name: 'UntagResource',
      method: 'DELETE',
      uri: '/tags/{resource_arn}',
      handler: async ({ params, query }) => {
        const keys = query.getAll('tagKeys');
        await writeTags(ctx, parseArn(params.resource_arn), (current) => {
          for (const key of keys) delete current[key];
        });
        return { statusCode: 204 };
      },
    },
    {
      name: 'GetTags',
      method: 'GET',
      uri: '/tags/{resource_arn}',
      handler: async ({ params }) => ({ statusCode: 200, body: { tags: await readTags(ctx, parseArn(params.resource_arn)) } }),
    },
  ];
}
