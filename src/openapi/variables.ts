// AWS variables in an imported document: `${AWS::AccountId}`, `${AWS::Partition}` and
// `${AWS::Region}` are resolved when the API is imported (ImportRestApi, PutRestApi, `--import`),
// in every string value of the document. Other `${…}` text (`${stageVariables.x}`) is left alone.
// https://docs.aws.amazon.com/apigateway/latest/developerguide/import-api-aws-variables.html
import { isObject } from './document.js';

export interface AwsVariables {
  region: string;
  accountId: string;
}

/** Standard AWS Regions are in the `aws` partition (documented); Archway has no other. */
const PARTITION = 'aws';
const VARIABLE = /\$\{AWS::(AccountId|Partition|Region)\}/g;

/** Replaces the AWS variables in every string value of `value`, in place where it is an object or array. */
export function resolveAwsVariables<T>(value: T, variables: AwsVariables): T {
  const values: Record<string, string> = { AccountId: variables.accountId, Partition: PARTITION, Region: variables.region };
  // YAML aliases share one object between places (and may even make a cycle): visit each once.
  const seen = new WeakSet<object>();
  const resolve = (v: unknown): unknown => {
    if (typeof v === 'string') return v.includes('${AWS::') ? v.replace(VARIABLE, (_whole, name: string) => values[name]) : v;
    if (v === null || typeof v !== 'object' || seen.has(v)) return v;
    seen.add(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = resolve(v[i]);
    } else if (isObject(v)) {
      for (const key of Object.keys(v)) v[key] = resolve(v[key]);
    }
    return v;
  };
  return resolve(value) as T;
}
