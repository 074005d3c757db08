// ImportRestApi, PutRestApi and GetExport: the REST API as an OpenAPI document, in and out. The
// bodies are raw documents (JSON or YAML), not JSON requests; the work is in src/openapi/.
// https://docs.aws.amazon.com/apigateway/latest/api/API_ImportRestApi.html, …/API_PutRestApi.html,
// …/API_GetExport.html. Status codes from the botocore model (201, 200, 200).
import { notFound } from '../../aws/errors.js';
import { exportDocument, exportFileName, exportVersion, parseExportType, parseExtensions, renderExport } from '../../openapi/export.js';
import { importRestApi, putRestApi, readImportParameters } from '../../openapi/import.js';
import type { OperationDefinition } from '../route-table.js';
import type { ApiGatewayContext } from './context.js';
import { restApiOut } from './serialize.js';
import { stageNotFound } from './stages.js';
import { enumError, throwIfErrors } from './validation.js';

const PUT_MODES = ['merge', 'overwrite'] as const;

export function openApiOperations(ctx: ApiGatewayContext): OperationDefinition[] {
  return [
    {
      name: 'ImportRestApi',
      method: 'POST',
      uri: '/restapis',
      query: { mode: 'import' },
      rawBody: true,
      handler: async ({ query, rawBody }) => {
        const api = await importRestApi(ctx, rawBody, readImportParameters(query));
        return { statusCode: 201, body: restApiOut(api) };
      },
    },
    {
      name: 'PutRestApi',
      method: 'PUT',
      uri: '/restapis/{restapi_id}',
      rawBody: true,
      handler: async ({ params, query, rawBody }) => {
        const mode = query.get('mode') ?? 'merge';
        if (!(PUT_MODES as readonly string[]).includes(mode)) throwIfErrors([enumError(mode, 'mode', PUT_MODES)]); // unverified field name
        const api = await putRestApi(ctx, params.restapi_id, rawBody, mode as (typeof PUT_MODES)[number], readImportParameters(query));
        return { statusCode: 200, body: restApiOut(api) };
      },
    },
    {
      name: 'GetExport',
      method: 'GET',
      uri: '/restapis/{restapi_id}/stages/{stage_name}/exports/{export_type}',
      handler: async ({ params, query, headers }) => {
        const type = parseExportType(params.export_type);
        const extensions = parseExtensions(query.getAll('extensions'));
        const stage = await ctx.store.getStage(params.restapi_id, params.stage_name);
        if (!stage) throw stageNotFound();
        const deployment = await ctx.store.getDeployment(params.restapi_id, stage.deploymentId);
        if (!deployment) throw notFound('Invalid Deployment identifier specified');
        const yaml = /yaml/i.test(String(headers.accept ?? ''));
        const document = exportDocument(deployment.snapshot, {
          type,
          extensions,
          region: ctx.env.region,
          stageName: stage.stageName,
          deploymentDate: deployment.createdDate,
          defaultTimeoutMs: ctx.env.limits.defaultIntegrationTimeoutMs,
        });
        const fileName = exportFileName(type, exportVersion(deployment.snapshot, deployment.createdDate), yaml);
        return {
          statusCode: 200,
          raw: {
            // recorded: AWS answers exports as application/octet-stream with an attachment file name
            contentType: 'application/octet-stream',
            data: renderExport(document, yaml),
            headers: { 'Content-Disposition': `attachment; filename="${fileName}"` },
          },
        };
      },
    },
  ];
}
