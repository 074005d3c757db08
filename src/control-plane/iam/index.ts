// The iam (2010-05-08) query-protocol operations Archway serves: the subset that provisions
// AWS_IAM callers (users, access keys, inline policies) and roles for integration credentials
// (IAM API Reference, https://docs.aws.amazon.com/IAM/latest/APIReference/). The dispatcher
// (../control-plane.ts) verifies SigV4 first and routes here by the credential scope's service
// name `iam`; every action is a POST to `/` naming its `Action`.
import { AwsServiceError } from '../../aws/errors.js';
import { QueryService, queryParameters } from '../query-protocol.js';
import { RouteTable, type OperationRequest } from '../route-table.js';
import type { IamAction, IamContext } from './context.js';
import { accessKeyActions } from './access-keys.js';
import { roleActions } from './roles.js';
import { userActions } from './users.js';

export type { IamContext } from './context.js';

const IAM = new QueryService('https://iam.amazonaws.com/doc/2010-05-08/');

const ACTIONS: ReadonlyMap<string, IamAction> = new Map(Object.entries({ ...userActions, ...accessKeyActions, ...roleActions }));

export function iamRouteTable(ctx: IamContext): RouteTable {
  const handler = async (request: OperationRequest) => {
    const params = queryParameters(request);
    const name = params.get('Action') ?? '';
    const action = ACTIONS.get(name);
    if (action === undefined) throw new AwsServiceError('InvalidAction', 400, `Could not find operation ${name} for version ${params.get('Version') ?? 'NO_VERSION_SPECIFIED'}`);
    return IAM.answer(name, request.requestId, await action(ctx, params));
  };
  return new RouteTable([
    { name: 'iam', method: 'POST', uri: '/', rawBody: true, handler },
    { name: 'iam', method: 'GET', uri: '/', handler },
  ], IAM.renderError);
}
