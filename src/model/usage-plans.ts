// API keys, usage plans and their keys, as the store holds them: AWS's wire shapes
// (https://docs.aws.amazon.com/apigateway/latest/api/API_ApiKey.html,
// https://docs.aws.amazon.com/apigateway/latest/api/API_UsagePlan.html), except that an API
// key's value is sealed (src/secrets/secret-box.ts) and only opened on its way out.

export interface ApiKeyRecord {
  /** 10 characters [a-z0-9]. */
  id: string;
  name?: string;
  description?: string;
  enabled: boolean;
  customerId?: string;
  /** Legacy `{restApiId}/{stageName}` entries. */
  stageKeys: string[];
  tags?: Record<string, string>;
  createdDate: number;
  lastUpdatedDate: number;
  /** The key's value, sealed; never stored in plain text. */
  sealedValue: string;
}

export interface ThrottleSettings {
  burstLimit?: number;
  rateLimit?: number;
}

export type QuotaPeriod = 'DAY' | 'WEEK' | 'MONTH';

export interface QuotaSettings {
  limit: number;
  offset: number;
  period: QuotaPeriod;
}

export interface ApiStage {
  apiId: string;
  stage: string;
  /** `/{resourcePath}/{METHOD}` → limits, e.g. `/pets/GET`, `//GET` for the root resource. */
  throttle?: Record<string, ThrottleSettings>;
}

export interface UsagePlanRecord {
  /** 6 characters [a-z0-9]. */
  id: string;
  name?: string;
  description?: string;
  apiStages: ApiStage[];
  throttle?: ThrottleSettings;
  quota?: QuotaSettings;
  /** When the quota was first set (ms): its initial period, the one `offset` is taken from. Not a wire field. */
  quotaSetAt?: number;
  productCode?: string;
  tags?: Record<string, string>;
}

/** An API key's membership of a usage plan (a UsagePlanKey of type API_KEY). */
export interface UsagePlanKeyLink {
  usagePlanId: string;
  keyId: string;
}
