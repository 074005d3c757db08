// IAM identities as the store holds them: AWS's wire shapes (IAM API Reference, User, AccessKey,
// Role: https://docs.aws.amazon.com/IAM/latest/APIReference/API_User.html,
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_AccessKey.html,
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html), except that a secret access
// key is sealed (src/secrets/secret-box.ts) and only opened by the data plane's identity table.

export interface IamTag {
  Key: string;
  Value: string;
}

export interface IamUserRecord {
  userName: string;
  /** `AIDA` + 17 characters. */
  userId: string;
  path: string;
  arn: string;
  /** Epoch milliseconds. */
  createDate: number;
  tags: IamTag[];
  /** Inline policies by name: the JSON documents as written. */
  policies: Record<string, string>;
}

export interface IamAccessKeyRecord {
  /** `AKIA` + 16 characters. */
  accessKeyId: string;
  userName: string;
  status: 'Active' | 'Inactive';
  createDate: number;
  /** The secret access key, sealed; never stored in plain text. */
  sealedSecret: string;
}

export interface IamRoleRecord {
  roleName: string;
  /** `AROA` + 17 characters. */
  roleId: string;
  path: string;
  arn: string;
  createDate: number;
  assumeRolePolicyDocument: string;
  description?: string;
  maxSessionDuration: number;
  tags: IamTag[];
  policies: Record<string, string>;
  /** Managed policy ARNs (AttachRolePolicy). */
  attachedPolicies: string[];
}
