// IAM roles, for integration credentials later: CreateRole, GetRole, DeleteRole, PutRolePolicy,
// AttachRolePolicy (IAM API Reference, https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html).
// Archway keeps no managed policies: AttachRolePolicy records the ARN as given.
import { AwsServiceError } from '../../aws/errors.js';
import { newIamRoleId } from '../../aws/ids.js';
import { required, xml } from '../query-protocol.js';
import {
  checkName, checkPath, checkPolicyDocument, checkTrustPolicy, deleteConflict, entityExists, noSuchEntity, roleXml, tagsOf, type IamAction,
} from './context.js';
import type { IamRoleRecord } from '../../model/iam.js';

const noSuchRole = (name: string) => noSuchEntity(`The role with name ${name} cannot be found.`);

/** CreateRole's default and bounds for MaxSessionDuration, in seconds. */
const SESSION_DURATION = { default: 3600, min: 3600, max: 43200 };

export const roleActions: Readonly<Record<string, IamAction>> = {
  async CreateRole(ctx, params) {
    const roleName = checkName(required(params, 'RoleName'), 'roleName', 64);
    const path = checkPath(params.get('Path'));
    const trust = checkTrustPolicy(required(params, 'AssumeRolePolicyDocument'));
    const duration = Number(params.get('MaxSessionDuration') ?? SESSION_DURATION.default);
    if (!Number.isInteger(duration) || duration < SESSION_DURATION.min || duration > SESSION_DURATION.max) {
      throw new AwsServiceError('ValidationError', 400, `1 validation error detected: Value '${params.get('MaxSessionDuration')}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to ${SESSION_DURATION.max}`);
    }
    const role: IamRoleRecord = {
      roleName, roleId: newIamRoleId(), path, arn: `arn:aws:iam::${ctx.accountId}:role${path}${roleName}`, createDate: Date.now(),
      assumeRolePolicyDocument: trust, description: params.get('Description') ?? undefined, maxSessionDuration: duration,
      tags: tagsOf(params), policies: {}, attachedPolicies: [],
    };
    if (!(await ctx.store.createRole(role))) throw entityExists(`Role with name ${roleName} already exists.`);
    return xml({ Role: roleXml(role) });
  },

  async GetRole(ctx, params) {
    const roleName = required(params, 'RoleName');
    const role = await ctx.store.getRole(roleName);
    if (role === undefined) throw noSuchRole(roleName);
    return xml({ Role: roleXml(role) });
  },

  /** Refused while policies are attached or inline, as IAM does. */
  async DeleteRole(ctx, params) {
    const roleName = required(params, 'RoleName');
    const role = await ctx.store.getRole(roleName);
    if (role === undefined) throw noSuchRole(roleName);
    if (role.attachedPolicies.length > 0) throw deleteConflict('Cannot delete entity, must detach all policies first.');
    if (Object.keys(role.policies).length > 0) throw deleteConflict('Cannot delete entity, must delete policies first.');
    if (!(await ctx.store.deleteRole(role.roleName))) throw noSuchRole(roleName);
    return undefined;
  },

  async PutRolePolicy(ctx, params) {
    const roleName = required(params, 'RoleName');
    const policyName = checkName(required(params, 'PolicyName'), 'policyName', 128);
    const document = checkPolicyDocument(required(params, 'PolicyDocument'));
    if ((await ctx.store.updateRole(roleName, (role) => { role.policies[policyName] = document; })) === undefined) throw noSuchRole(roleName);
    return undefined;
  },

  async AttachRolePolicy(ctx, params) {
    const roleName = required(params, 'RoleName');
    const policyArn = required(params, 'PolicyArn');
    if (!/^arn:aws:iam::(aws|\d{12}):policy\/.+/.test(policyArn)) throw new AwsServiceError('InvalidInput', 400, `ARN ${policyArn} is not valid.`);
    const outcome = await ctx.store.updateRole(roleName, (role) => {
      if (!role.attachedPolicies.includes(policyArn)) role.attachedPolicies.push(policyArn);
    });
    if (outcome === undefined) throw noSuchRole(roleName);
    return undefined;
  },
};
