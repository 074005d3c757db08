// Access keys of IAM users: CreateAccessKey, ListAccessKeys, DeleteAccessKey (IAM API Reference,
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html). The secret is
// answered once, at creation, and stored sealed. Two keys per user at most, as IAM allows.
import { AwsServiceError } from '../../aws/errors.js';
import { newAccessKeyId, newSecretAccessKey } from '../../aws/ids.js';
import { isoDate, required, xml } from '../query-protocol.js';
import { existingUser, noSuchEntity, noSuchUser, type IamAction } from './context.js';
import type { IamAccessKeyRecord } from '../../model/iam.js';

/** IAM quota "Access keys per user" (IAM User Guide, "IAM and AWS STS quotas"). */
const MAX_ACCESS_KEYS_PER_USER = 2;

export const accessKeyActions: Readonly<Record<string, IamAction>> = {
  async CreateAccessKey(ctx, params) {
    const userName = required(params, 'UserName');
    const user = await existingUser(ctx, userName);
    if ((await ctx.store.listAccessKeys(user.userName)).length >= MAX_ACCESS_KEYS_PER_USER) {
      throw new AwsServiceError('LimitExceeded', 409, `Cannot exceed quota for AccessKeysPerUser: ${MAX_ACCESS_KEYS_PER_USER}`);
    }
    const secret = newSecretAccessKey();
    const key: IamAccessKeyRecord = {
      accessKeyId: newAccessKeyId(), userName: user.userName, status: 'Active', createDate: Date.now(), sealedSecret: ctx.secrets.seal(secret),
    };
    if (!(await ctx.store.createAccessKey(key))) throw noSuchUser(userName);
    return xml({
      AccessKey: xml({ UserName: key.userName, AccessKeyId: key.accessKeyId, Status: key.status, SecretAccessKey: secret, CreateDate: isoDate(key.createDate) }),
    });
  },

  async ListAccessKeys(ctx, params) {
    const userName = required(params, 'UserName');
    const user = await existingUser(ctx, userName);
    const keys = await ctx.store.listAccessKeys(user.userName);
    return xml({
      UserName: user.userName,
      AccessKeyMetadata: keys.map((key) => xml({ UserName: key.userName, AccessKeyId: key.accessKeyId, Status: key.status, CreateDate: isoDate(key.createDate) })),
      IsTruncated: false,
    });
  },

  async DeleteAccessKey(ctx, params) {
    const userName = required(params, 'UserName');
    const accessKeyId = required(params, 'AccessKeyId');
    const user = await existingUser(ctx, userName);
    if (!(await ctx.store.deleteAccessKey(user.userName, accessKeyId))) throw noSuchEntity(`The Access Key with id ${accessKeyId} cannot be found.`);
    return undefined;
  },
};
