// A REST API's resource policy as AWS keeps and answers it (GetRestApi, GetRestApis; recorded in
// AWS answers that tools such as Cartography parse): resources written in shorthand,
// `execute-api:/{stage}/{VERB}/{path}`, expanded to the API's ARNs
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-create-attach.html),
// the JSON minified, then escaped as inside a JSON string: `{\"Version\":\"2012-10-17\",…
// \"Resource\":\"arn:aws:execute-api:us-east-1:123456789012:abc\/*\"}`.

/** The policy's statements with shorthand resources expanded under `apiArnPrefix`. */
export function expandShorthand(policy: Record<string, unknown>, apiArnPrefix: string): Record<string, unknown> {
  const expand = (resource: unknown) => (typeof resource === 'string' && resource.startsWith('execute-api:/') ? `${apiArnPrefix}${resource.slice('execute-api:'.length)}` : resource);
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  const expanded = statements.map((statement) => {
    if (statement === null || typeof statement !== 'object') return statement;
    const out = { ...(statement as Record<string, unknown>) };
    for (const key of ['Resource', 'NotResource']) {
      const value = out[key];
      if (value !== undefined) out[key] = Array.isArray(value) ? value.map(expand) : expand(value);
    }
    return out;
  });
  return { ...policy, Statement: Array.isArray(policy.Statement) ? expanded : expanded[0] };
}

/** The policy as written (JSON text, already checked) in the form AWS stores and answers. */
export function storedPolicy(policy: string, apiArnPrefix: string): string {
  const minified = JSON.stringify(expandShorthand(JSON.parse(policy) as Record<string, unknown>, apiArnPrefix));
  return JSON.stringify(minified).slice(1, -1).replaceAll('/', '\\/');
}

/** The stored policy as plain JSON text (a policy stored before it was kept in AWS's form is plain already). */
export function policyText(stored: string): string {
  try {
    JSON.parse(stored);
    return stored;
  } catch {
    try {
      return JSON.parse(`"${stored}"`) as string;
    } catch {
      return stored;
    }
  }
}

/** Whether `policy` is plain JSON still to be put in the stored form. */
export function isPlainPolicy(policy: string): boolean {
  try {
    JSON.parse(policy);
    return true;
  } catch {
    return false;
  }
}
