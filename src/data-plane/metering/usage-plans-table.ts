// The API keys and usage plans requests are metered by
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html):
// followed from the store's change feed (`api-key` and `usage-plan` changes) and kept as one index,
// rebuilt and swapped in with one assignment when either changes, so a request reads it without a
// store query. Changes that come together (ImportApiKeys writes one per key) make one rebuild, and
// a key's value is opened from its sealed form once, not on every rebuild. A key's value leads to
// the key and, per API stage, the one plan of that key that covers the stage.
import type { ConfigChange, ConfigStore } from '../../store/config-store.js';
import type { ThrottleSettings, UsagePlanRecord } from '../../model/usage-plans.js';
import type { SecretBox } from '../../secrets/secret-box.js';
import type { QuotaSettings, TokenBucketLimits } from '../../state/index.js';
import { ChangeFollower, type ChangeConsumer } from '../../sync/change-follower.js';
import { CoalescedReload } from '../../sync/coalesced-reload.js';
import type { Logger } from '../../observability/logger.js';
import { bucketName, counterName } from './metering.js';

/** A usage plan as it applies to one API stage. */
export interface StagePlan {
  readonly planId: string;
  /** The plan-wide throttle; undefined when the plan sets none. */
  readonly throttle: TokenBucketLimits | undefined;
  /** Per-method overrides for this stage, keyed `/{resourcePath}/{METHOD}` (`//GET` for the root). */
  readonly methodThrottles: ReadonlyMap<string, TokenBucketLimits>;
  readonly quota: QuotaSettings | undefined;
}

/** A key's plan on one API stage, with the names of its bucket and counter (made once, not per request). */
export interface KeyStagePlan extends StagePlan {
  /** The plan-wide token bucket of this key; a per-method one appends `:{method}`. */
  readonly bucket: string;
  readonly counter: string;
}

export interface MeteredKey {
  readonly id: string;
  readonly value: string;
  readonly enabled: boolean;
  /** By `{apiId}/{stage}`. */
  readonly plans: ReadonlyMap<string, KeyStagePlan>;
}

/**
 * A throttle is applied when it sets a rate; a burst left unset is the rate's whole-second worth
 * (at least 1). Unverified: AWS's behaviour for a plan with only one of the two is undocumented.
 */
function limitsOf(throttle: ThrottleSettings | undefined): TokenBucketLimits | undefined {
  if (throttle?.rateLimit === undefined) return undefined;
  return { rate: throttle.rateLimit, burst: throttle.burstLimit ?? Math.max(1, Math.ceil(throttle.rateLimit)) };
}

function stagePlans(plan: UsagePlanRecord): Map<string, StagePlan> {
  const byStage = new Map<string, StagePlan>();
  const throttle = limitsOf(plan.throttle);
  for (const apiStage of plan.apiStages) {
    const methodThrottles = new Map<string, TokenBucketLimits>();
    for (const [path, settings] of Object.entries(apiStage.throttle ?? {})) {
      const limits = limitsOf(settings);
      if (limits !== undefined) methodThrottles.set(path, limits);
    }
    const quota = plan.quota === undefined ? undefined : { ...plan.quota, initialPeriodAt: plan.quotaSetAt };
    byStage.set(`${apiStage.apiId}/${apiStage.stage}`, { planId: plan.id, throttle, methodThrottles, quota });
  }
  return byStage;
}

export class UsagePlansTable implements ChangeConsumer {
  readonly #store: ConfigStore;
  readonly #secrets: SecretBox;
  readonly #log: Pick<Logger, 'error'>;
  readonly #follower: ChangeFollower;
  #byValue: ReadonlyMap<string, MeteredKey> = new Map();
  /** Opened key values by their sealed form. */
  #opened = new Map<string, string>();
  readonly #reload = new CoalescedReload(() => this.#rebuild());

  constructor(store: ConfigStore, secrets: SecretBox, log: Pick<Logger, 'error'>) {
    this.#store = store;
    this.#secrets = secrets;
    this.#log = log;
    this.#follower = new ChangeFollower(store, this, log);
  }

  start(): Promise<void> {
    return this.#follower.start();
  }

  stop(): void {
    this.#follower.stop();
  }

  /** The key whose value this is, if any. */
  keyOf(value: string): MeteredKey | undefined {
    return this.#byValue.get(value);
  }

  /** Brings the index up to date with every committed change (tests, after a control-plane write). */
  catchUp(): Promise<void> {
    return this.#follower.catchUp();
  }

  apply(change: ConfigChange): Promise<void> | void {
    if (change.kind === 'api-key' || change.kind === 'usage-plan') return this.reload();
  }

  /** Rebuilds the index; calls made while one waits to start share it. */
  reload(): Promise<void> {
    return this.#reload.run();
  }

  async #rebuild(): Promise<void> {
    const [keys, plans, links] = await Promise.all([this.#store.listApiKeys(), this.#store.listUsagePlans(), this.#store.listUsagePlanKeys()]);
    const plansById = new Map(plans.map((plan) => [plan.id, stagePlans(plan)]));
    const plansOfKey = new Map<string, Map<string, KeyStagePlan>>();
    for (const link of links) {
      const byStage = plansById.get(link.usagePlanId);
      if (byStage === undefined) continue;
      let ofKey = plansOfKey.get(link.keyId);
      if (ofKey === undefined) plansOfKey.set(link.keyId, (ofKey = new Map()));
      const names = { bucket: bucketName(link.usagePlanId, link.keyId), counter: counterName(link.usagePlanId, link.keyId) };
      // One plan per API stage for a key (the control plane refuses a second).
      for (const [stage, plan] of byStage) if (!ofKey.has(stage)) ofKey.set(stage, { ...plan, ...names });
    }
    const byValue = new Map<string, MeteredKey>();
    const opened = new Map<string, string>();
    for (const key of keys) {
      let value = this.#opened.get(key.sealedValue);
      try {
        value ??= this.#secrets.open(key.sealedValue);
      } catch (error) {
        // One key that does not open (sealed with another key) must not leave every key out.
        this.#log.error({ err: error, apiKey: key.id }, 'API key value could not be opened; the key is not served');
        continue;
      }
      opened.set(key.sealedValue, value);
      byValue.set(value, { id: key.id, value, enabled: key.enabled, plans: plansOfKey.get(key.id) ?? new Map() });
    }
    this.#opened = opened;
    this.#byValue = byValue;
  }
}
