// The IAM callers the data plane verifies `AWS_IAM` requests against
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/permissions.html): each active
// access key with its secret (opened from its sealed form once), its user's identity as
// `$context.identity` shows it, its inline policies parsed once, and the values of the
// `aws:Principal*` condition keys. Followed from the store's `iam-identity` changes and swapped in
// whole, so a request reads it without a store query. The admin credentials are the account root.
import type { ConfigChange, ConfigStore } from '../../store/config-store.js';
import type { SecretBox } from '../../secrets/secret-box.js';
import type { Credential } from '../../aws/sigv4.js';
import type { IamUserRecord } from '../../model/iam.js';
import { PolicyDocument, type Principal } from '../../auth/policy-document.js';
import type { IamPrincipal } from '../../auth/iam-authorization.js';
import { ChangeFollower, type ChangeConsumer } from '../../sync/change-follower.js';
import { CoalescedReload } from '../../sync/coalesced-reload.js';
import type { Logger } from '../../observability/logger.js';
import type { CallerIdentity } from '../pipeline/context.js';

export interface IamCaller extends Credential, IamPrincipal {
  readonly identity: CallerIdentity;
  readonly principal: Extract<Principal, { kind: 'aws' }>;
  /** The condition keys its identity policies read. */
  readonly conditionKeys: ReadonlySet<string>;
  /**
   * `aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType`, `aws:userid`, `aws:username`
   * and `aws:PrincipalTag/*` (AWS condition keys for API Gateway resource policies,
   * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-aws-condition-keys.html).
   */
  readonly conditionValues: Readonly<Record<string, string>>;
}

export interface IamCallers {
  /** The caller an access key belongs to, if it is active. */
  callerOf(accessKeyId: string): IamCaller | undefined;
  /** The account root: the admin credentials, and TestInvokeMethod's caller. */
  readonly root: IamCaller;
}

const NO_KEYS: ReadonlySet<string> = new Set();

function rootCaller(accessKeyId: string, secretAccessKey: string, accountId: string): IamCaller {
  const arn = `arn:aws:iam::${accountId}:root`;
  return Object.freeze({
    secretAccessKey,
    identity: Object.freeze({ accessKey: accessKeyId, accountId, caller: accountId, user: accountId, userArn: arn, principalOrgId: null }),
    principal: Object.freeze({ kind: 'aws', arn, account: accountId } as const),
    policies: undefined,
    conditionKeys: NO_KEYS,
    conditionValues: Object.freeze({ 'aws:PrincipalArn': arn, 'aws:PrincipalAccount': accountId, 'aws:PrincipalType': 'Account', 'aws:userid': accountId }),
  });
}

export class IamCallersTable implements ChangeConsumer, IamCallers {
  readonly #store: ConfigStore;
  readonly #secrets: SecretBox;
  readonly #log: Pick<Logger, 'error'>;
  readonly #accountId: string;
  readonly #follower: ChangeFollower;
  readonly root: IamCaller;
  #byKey: ReadonlyMap<string, IamCaller> = new Map();
  /** Opened secrets by their sealed form. */
  #opened = new Map<string, string>();
  readonly #reload = new CoalescedReload(() => this.#rebuild());

  constructor(store: ConfigStore, secrets: SecretBox, admin: { accessKeyId: string; secretAccessKey: string }, accountId: string, log: Pick<Logger, 'error'>) {
    this.#store = store;
    this.#secrets = secrets;
    this.#accountId = accountId;
    this.#log = log;
    this.root = rootCaller(admin.accessKeyId, admin.secretAccessKey, accountId);
    this.#follower = new ChangeFollower(store, this, log);
  }

  start(): Promise<void> {
    return this.#follower.start();
  }

  stop(): void {
    this.#follower.stop();
  }

  /** Brings the table up to date with every committed change (tests, after a control-plane write). */
  catchUp(): Promise<void> {
    return this.#follower.catchUp();
  }

  callerOf(accessKeyId: string): IamCaller | undefined {
    return accessKeyId === this.root.identity.accessKey ? this.root : this.#byKey.get(accessKeyId);
  }

  apply(change: ConfigChange): Promise<void> | void {
    if (change.kind === 'iam-identity') return this.reload();
  }

  /** Rebuilds the table; calls made while one waits to start share it. */
  reload(): Promise<void> {
    return this.#reload.run();
  }

  async #rebuild(): Promise<void> {
    const [users, keys] = await Promise.all([this.#store.iam.listUsers(), this.#store.iam.listAccessKeys()]);
    const byName = new Map(users.map((user) => [user.userName, user]));
    const parsed = new Map<string, Omit<IamCaller, 'secretAccessKey' | 'identity'> | undefined>();
    const byKey = new Map<string, IamCaller>();
    const opened = new Map<string, string>();
    for (const key of keys) {
      const user = byName.get(key.userName);
      if (user === undefined || key.status !== 'Active') continue;
      if (!parsed.has(user.userName)) parsed.set(user.userName, this.#principalOf(user));
      const principal = parsed.get(user.userName);
      let secret = this.#opened.get(key.sealedSecret);
      try {
        secret ??= this.#secrets.open(key.sealedSecret);
      } catch (error) {
        this.#log.error({ err: error, accessKeyId: key.accessKeyId }, 'IAM secret access key could not be opened; the key is not served');
        continue;
      }
      opened.set(key.sealedSecret, secret);
      if (principal === undefined) continue;
      byKey.set(key.accessKeyId, Object.freeze({
        ...principal,
        secretAccessKey: secret,
        identity: Object.freeze({ accessKey: key.accessKeyId, accountId: this.#accountId, caller: user.userId, user: user.userId, userArn: user.arn, principalOrgId: null }),
      }));
    }
    this.#opened = opened;
    this.#byKey = byKey;
  }

  /** A user's principal part; undefined (its keys not served) when a stored policy no longer parses. */
  #principalOf(user: IamUserRecord): Omit<IamCaller, 'secretAccessKey' | 'identity'> | undefined {
    let policies: PolicyDocument[];
    try {
      policies = Object.values(user.policies).map((document) => PolicyDocument.parse(document));
    } catch (error) {
      this.#log.error({ err: error, user: user.userName }, 'IAM user policy could not be parsed; the user\'s keys are not served');
      return undefined;
    }
    const conditionValues: Record<string, string> = {
      'aws:PrincipalArn': user.arn, 'aws:PrincipalAccount': this.#accountId, 'aws:PrincipalType': 'User', 'aws:userid': user.userId, 'aws:username': user.userName,
    };
    for (const tag of user.tags) conditionValues[`aws:PrincipalTag/${tag.Key}`] = tag.Value;
    return {
      principal: Object.freeze({ kind: 'aws', arn: user.arn, account: this.#accountId } as const),
      policies: Object.freeze(policies),
      conditionKeys: new Set(policies.flatMap((policy) => [...policy.conditionKeys])),
      conditionValues: Object.freeze(conditionValues),
    };
  }
}
