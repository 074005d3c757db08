// IAM users and their inline policies: CreateUser, GetUser, DeleteUser, PutUserPolicy,
// GetUserPolicy, DeleteUserPolicy, ListUserPolicies (IAM API Reference,
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html and the pages beside it).
import { newIamUserId } from '../../aws/ids.js';
import { members, required, xml } from '../query-protocol.js';
import {
  checkName, checkPath, checkPolicyDocument, deleteConflict, entityExists, existingUser, noSuchEntity, noSuchUser, tagsOf, userXml,
  type IamAction,
} from './context.js';
import type { IamUserRecord } from '../../model/iam.js';

export const userActions: Readonly<Record<string, IamAction>> = {
  async CreateUser(ctx, params) {
    const userName = checkName(required(params, 'UserName'), 'userName', 64);
    const path = checkPath(params.get('Path'));
    const user: IamUserRecord = {
      userName, userId: newIamUserId(), path, arn: `arn:aws:iam::${ctx.accountId}:user${path}${userName}`,
      createDate: Date.now(), tags: tagsOf(params), policies: {},
    };
    if (!(await ctx.store.createUser(user))) throw entityExists(`User with name ${userName} already exists.`);
    return xml({ User: userXml(user) });
  },

  async GetUser(ctx, params) {
    return xml({ User: userXml(await existingUser(ctx, required(params, 'UserName'))) });
  },

  /** Refused while the user has access keys or policies, as IAM does. */
  async DeleteUser(ctx, params) {
    const user = await existingUser(ctx, required(params, 'UserName'));
    if ((await ctx.store.listAccessKeys(user.userName)).length > 0) throw deleteConflict('Cannot delete entity, must delete access keys first.');
    if (Object.keys(user.policies).length > 0) throw deleteConflict('Cannot delete entity, must delete policies first.');
    if (!(await ctx.store.deleteUser(user.userName))) throw noSuchUser(user.userName);
    return undefined;
  },

  async PutUserPolicy(ctx, params) {
    const userName = required(params, 'UserName');
    const policyName = checkName(required(params, 'PolicyName'), 'policyName', 128);
    const document = checkPolicyDocument(required(params, 'PolicyDocument'));
    if ((await ctx.store.updateUser(userName, (user) => { user.policies[policyName] = document; })) === undefined) throw noSuchUser(userName);
    return undefined;
  },

  async GetUserPolicy(ctx, params) {
    const user = await existingUser(ctx, required(params, 'UserName'));
    const policyName = required(params, 'PolicyName');
    const document = Object.hasOwn(user.policies, policyName) ? user.policies[policyName] : undefined;
    if (document === undefined) throw noSuchEntity(`The user policy with name ${policyName} cannot be found.`);
    return xml({ UserName: user.userName, PolicyName: policyName, PolicyDocument: encodeURIComponent(document) });
  },

  async DeleteUserPolicy(ctx, params) {
    const userName = required(params, 'UserName');
    const policyName = required(params, 'PolicyName');
    const outcome = await ctx.store.updateUser(userName, (user) => {
      if (!Object.hasOwn(user.policies, policyName)) throw noSuchEntity(`The user policy with name ${policyName} cannot be found.`);
      delete user.policies[policyName];
    });
    if (outcome === undefined) throw noSuchUser(userName);
    return undefined;
  },

  async ListUserPolicies(ctx, params) {
    const user = await existingUser(ctx, required(params, 'UserName'));
    return xml({ PolicyNames: members(Object.keys(user.policies)), IsTruncated: false });
  },
};
