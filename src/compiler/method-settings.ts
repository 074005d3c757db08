// A method's effective settings in a stage (AWS API reference "MethodSetting", UpdateStage patch
// paths): the stage's `methodSettings` are keyed `*/*` for every method and
// `{resourcePath}/{httpMethod}` for one (the resource path with `/` escaped as `~1`, e.g.
// `~1pets~1{id}/GET`); the most specific entry wins, whole, since every entry holds all fields.
import type { MethodSetting } from '../model/rest-api.js';

/** AWS's values for a method no entry covers (and for a new entry's unset fields). */
export const DEFAULT_METHOD_SETTING: Readonly<MethodSetting> = Object.freeze({
  metricsEnabled: false,
  loggingLevel: 'OFF',
  dataTraceEnabled: false,
  throttlingBurstLimit: 5000,
  throttlingRateLimit: 10000.0,
  cachingEnabled: false,
  cacheTtlInSeconds: 300,
  cacheDataEncrypted: false,
  requireAuthorizationForCacheControl: true,
  unauthorizedCacheControlHeaderStrategy: 'SUCCEED_WITH_RESPONSE_HEADER',
});

/** The `methodSettings` key prefix of a resource: `/pets/{id}` → `~1pets~1{id}`. */
export function methodSettingsPath(resourcePath: string): string {
  return resourcePath.replaceAll('/', '~1');
}

/** `{path}/{VERB}`, then `{path}/*`, then `*\/*`, then AWS's defaults. */
export function effectiveMethodSetting(
  settings: Readonly<Record<string, MethodSetting>>,
  resourcePath: string,
  httpMethod: string,
): Readonly<MethodSetting> {
  const path = methodSettingsPath(resourcePath);
  for (const key of [`${path}/${httpMethod}`, `${path}/*`, '*/*']) {
    if (Object.hasOwn(settings, key)) return Object.freeze({ ...DEFAULT_METHOD_SETTING, ...settings[key] });
  }
  return DEFAULT_METHOD_SETTING;
}
