// Integration-response selection patterns (AWS Developer Guide "Set up an integration response",
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-integration-settings-integration-response.html):
// Java regular expressions matched against the whole selection value (the backend status code, or a
// Lambda errorMessage). Full-match semantics come from the AWS docs ("must match the entire
// string"), not from LocalStack's prefix match. The cost of a match is bounded
// (src/vtl/java-regex.ts): linear time where RE2 accepts the pattern; otherwise a match that
// takes more than MAX_BACKTRACKING_MS is no match.
import { javaPattern, RegexTimeoutError, type JavaPattern } from '../vtl/java-regex.js';

export interface SelectionPattern {
  /** Whether the pattern matches the whole selection value. */
  test(value: string): boolean;
}

class CompiledSelectionPattern implements SelectionPattern {
  constructor(readonly pattern: JavaPattern) {}
  test(value: string): boolean {
    try {
      return this.pattern.matches(value);
    } catch (error) {
      if (error instanceof RegexTimeoutError) return false;
      throw error;
    }
  }
}

/** Compiles a full-match pattern; undefined when it is not a valid expression. */
export function compileSelectionPattern(pattern: string): SelectionPattern | undefined {
  try {
    return new CompiledSelectionPattern(javaPattern(pattern));
  } catch {
    return undefined;
  }
}
