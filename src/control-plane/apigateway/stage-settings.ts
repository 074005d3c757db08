// Stage patch paths for method settings and variables
// (https://docs.aws.amazon.com/apigateway/latest/api/API_UpdateStage.html): the `methodSettings`
// map keyed `*/*` or `{~1escaped resource path}/{METHOD}`, each entry created with AWS's defaults.
// Value-error texts are unverified.
import { badRequest } from '../../aws/errors.js';
import type { MethodSetting } from '../../model/rest-api.js';
import { HTTP_METHODS } from '../../model/rest-api.js';
import { DEFAULT_METHOD_SETTING } from '../../compiler/method-settings.js';
import { invalidPatchOp, invalidPatchPath, type PatchOperation } from './patch.js';
import { patchBoolean } from './validation.js';

export function defaultMethodSetting(): MethodSetting {
  return { ...DEFAULT_METHOD_SETTING };
}

const invalidValue = (setting: string, value: string | undefined) => badRequest(`Invalid method setting value specified for ${setting}: ${value ?? 'null'}`);

function nonNegative(setting: string, value: string | undefined, integer: boolean): number {
  const n = value === undefined || value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) throw invalidValue(setting, value);
  return n;
}

function oneOf(setting: string, value: string | undefined, allowed: readonly string[]): string {
  if (value === undefined || !allowed.includes(value)) throw invalidValue(setting, value);
  return value;
}

type Apply = (target: MethodSetting, value: string | undefined) => void;
const SETTINGS: Record<string, Apply> = {
  'metrics/enabled': (t, v) => { t.metricsEnabled = patchBoolean(v); },
  'logging/dataTrace': (t, v) => { t.dataTraceEnabled = patchBoolean(v); },
  'logging/loglevel': (t, v) => { t.loggingLevel = oneOf('logging/loglevel', v?.toUpperCase(), ['OFF', 'ERROR', 'INFO']); },
  'throttling/burstLimit': (t, v) => { t.throttlingBurstLimit = nonNegative('throttling/burstLimit', v, true); },
  'throttling/rateLimit': (t, v) => { t.throttlingRateLimit = nonNegative('throttling/rateLimit', v, false); },
  'caching/enabled': (t, v) => { t.cachingEnabled = patchBoolean(v); },
  'caching/ttlInSeconds': (t, v) => {
    const ttl = nonNegative('caching/ttlInSeconds', v, true);
    if (ttl > 3600) throw invalidValue('caching/ttlInSeconds', v);
    t.cacheTtlInSeconds = ttl;
  },
  'caching/dataEncrypted': (t, v) => { t.cacheDataEncrypted = patchBoolean(v); },
  'caching/requireAuthorizationForCacheControl': (t, v) => { t.requireAuthorizationForCacheControl = patchBoolean(v); },
  'caching/unauthorizedCacheControlHeaderStrategy': (t, v) => {
    t.unauthorizedCacheControlHeaderStrategy = oneOf('caching/unauthorizedCacheControlHeaderStrategy', v, [
      'FAIL_WITH_403', 'SUCCEED_WITH_RESPONSE_HEADER', 'SUCCEED_WITHOUT_RESPONSE_HEADER',
    ]);
  },
};

/** Whether the path addresses a method setting: `/{path}/{METHOD}[/{group}/{setting}]`. */
export function isMethodSettingPath(path: string): boolean {
  const parts = path.slice(1).split('/');
  if (parts.length !== 2 && parts.length !== 4) return false;
  const [resourcePath, verb] = parts;
  if (resourcePath === '*') return verb === '*';
  return resourcePath.startsWith('~1') && (verb === '*' || (HTTP_METHODS as readonly string[]).includes(verb));
}

export function patchMethodSettings(settings: Record<string, MethodSetting>, operation: PatchOperation): void {
  const path = operation.path as string;
  const parts = path.slice(1).split('/');
  const key = `${parts[0]}/${parts[1]}`;
  if (parts.length === 2) {
    if (operation.op !== 'remove') throw invalidPatchPath(path);
    // AWS's text, as recorded in LocalStack's AWS snapshots (note the trailing space).
    if (!Object.hasOwn(settings, key)) throw badRequest(`Cannot remove method setting ${key} because there is no method setting for this method `);
    delete settings[key];
    return;
  }
  const setting = `${parts[2]}/${parts[3]}`;
  const apply = Object.hasOwn(SETTINGS, setting) ? SETTINGS[setting] : undefined;
  if (!apply) throw invalidPatchPath(path);
  if (operation.op !== 'replace' && operation.op !== 'add') throw invalidPatchOp(['replace']);
  const target = Object.hasOwn(settings, key) ? settings[key] : defaultMethodSetting();
  apply(target, operation.value);
  settings[key] = target;
}
