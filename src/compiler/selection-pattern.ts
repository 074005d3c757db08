// Integration-response selection patterns (AWS Developer Guide "Set up an integration response",
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-integration-settings-integration-response.html):
// Java regular expressions matched against the whole selection value (the backend status code, or a
// Lambda errorMessage). Java and JavaScript agree on the syntax people write here (`2\d{2}`,
// `4\d{2}|500`, `.*Not Found.*`, `(\n|.)+`); full-match semantics come from the AWS docs ("must
// match the entire string"), not from LocalStack's prefix match.

/** Compiles a pattern to a full-match RegExp; undefined when it is not a valid expression. */
export function compileSelectionPattern(pattern: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch {
    return undefined;
  }
}
