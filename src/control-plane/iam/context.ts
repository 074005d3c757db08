// What the iam operations share: the store, the key that seals secrets, the account, and the
// IAM errors and XML shapes they answer with (IAM API Reference,
// https://docs.aws.amazon.com/IAM/latest/APIReference/).
import { AwsServiceError } from '../../aws/errors.js';
import { MalformedPolicyError, PolicyDocument } from '../../auth/policy-document.js';
import type { IamRoleRecord, IamTag, IamUserRecord } from '../../model/iam.js';
import type { SecretBox } from '../../secrets/secret-box.js';
import type { IamStore } from '../../store/iam-store.js';
import { isoDate, memberList, xml, type XmlText } from '../query-protocol.js';

export interface IamContext {
  store: IamStore;
  secrets: SecretBox;
  accountId: string;
}

export type IamAction = (ctx: IamContext, params: URLSearchParams) => Promise<XmlText | undefined> | XmlText | undefined;

export const noSuchEntity = (message: string) => new AwsServiceError('NoSuchEntity', 404, message);
export const entityExists = (message: string) => new AwsServiceError('EntityAlreadyExists', 409, message);
export const deleteConflict = (message: string) => new AwsServiceError('DeleteConflict', 409, message);
const validationError = (message: string) => new AwsServiceError('ValidationError', 400, message);

/** IAM's name rule for users, roles and policies: `[\w+=,.@-]+`, within a length. */
export function checkName(value: string, member: string, maxLength: number): string {
  if (value.length < 1 || value.length > maxLength || !/^[\w+=,.@-]+$/.test(value)) {
    throw validationError(`1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`);
  }
  return value;
}

/** An IAM path: `/` or `/division/…/` (IAM User Guide, "IAM identifiers"). */
export function checkPath(value: string | null): string {
  const path = value ?? '/';
  if (!/^(\/|\/[\u0021-\u007E]+\/)$/.test(path) || path.length > 512) {
    throw validationError(`1 validation error detected: Value '${path}' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)`);
  }
  return path;
}

export function tagsOf(params: URLSearchParams): IamTag[] {
  return memberList(params, 'Tags').map((tag) => ({ Key: tag.Key ?? '', Value: tag.Value ?? '' }));
}

/**
 * A policy document Archway can evaluate. IAM refuses what is not JSON with this text; what
 * Archway's evaluator cannot read (an unknown condition operator) is refused too, rather than
 * stored and skipped later.
 */
export function checkPolicyDocument(document: string): string {
  try {
    PolicyDocument.parse(document);
  } catch (error) {
    if (!(error instanceof MalformedPolicyError)) throw error;
    const message = error.message === 'the policy is not valid JSON' ? 'Syntax errors in policy.' : error.message;
    throw new AwsServiceError('MalformedPolicyDocument', 400, message);
  }
  return document;
}

/** A role's trust policy names principals and no resource: only its form is checked. */
export function checkTrustPolicy(document: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    throw new AwsServiceError('MalformedPolicyDocument', 400, 'Syntax errors in policy.');
  }
  if (parsed === null || typeof parsed !== 'object' || !('Statement' in parsed)) throw new AwsServiceError('MalformedPolicyDocument', 400, 'Syntax errors in policy.');
  return document;
}

const tagsXml = (tags: readonly IamTag[]): XmlText[] | undefined => (tags.length === 0 ? undefined : tags.map((tag) => xml({ Key: tag.Key, Value: tag.Value })));

export const userXml = (user: IamUserRecord): XmlText => xml({
  Path: user.path, UserName: user.userName, UserId: user.userId, Arn: user.arn, CreateDate: isoDate(user.createDate), Tags: tagsXml(user.tags),
});

/** Policy documents come back URL-encoded, as IAM returns them. */
export const roleXml = (role: IamRoleRecord): XmlText => xml({
  Path: role.path,
  RoleName: role.roleName,
  RoleId: role.roleId,
  Arn: role.arn,
  CreateDate: isoDate(role.createDate),
  AssumeRolePolicyDocument: encodeURIComponent(role.assumeRolePolicyDocument),
  Description: role.description,
  MaxSessionDuration: role.maxSessionDuration,
  Tags: tagsXml(role.tags),
});

export const noSuchUser = (name: string) => noSuchEntity(`The user with name ${name} cannot be found.`);

/** The user named, or IAM's NoSuchEntity. */
export async function existingUser(ctx: IamContext, name: string): Promise<IamUserRecord> {
  const user = await ctx.store.getUser(name);
  if (user === undefined) throw noSuchUser(name);
  return user;
}
