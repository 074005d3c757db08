// A policy's decisions remembered per method ARN, for policies that read no condition key: the
// same policy and the same ARN always decide the same, so a cached authorizer answer or an IAM
// caller asked again per request evaluates its statements once per ARN, not per request.
import type { Decision } from './policy-document.js';

/** Method ARNs one memo remembers (later ones are evaluated each time)… */
const REMEMBERED_DECISIONS = 16;
/** …each at most this long, so that what the memos hold stays bounded whatever the paths. */
const REMEMBERED_ARN_MAX = 512;

export function rememberedDecisions(evaluate: (methodArn: string) => Decision): (methodArn: string) => Decision {
  const remembered = new Map<string, Decision>();
  return (methodArn) => {
    let decision = remembered.get(methodArn);
    if (decision === undefined) {
      decision = evaluate(methodArn);
      if (remembered.size < REMEMBERED_DECISIONS && methodArn.length <= REMEMBERED_ARN_MAX) remembered.set(methodArn, decision);
    }
    return decision;
  };
}
