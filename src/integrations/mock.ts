// MOCK integration (AWS Developer Guide "Set up mock integrations",
// https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-mock-integration.html): the
// request template outputs `{"statusCode": N}`; that status selects the integration response, whose
// template alone makes the body. Without a request template, the default integration response is
// used (AWS docs: "return the default integration response without defining the integration request
// mapping template") — we treat that as status 200. A template whose output has no integer
// statusCode → 500 (LocalStack's message, from AWS).
import type { EndpointResponse, Integration, MockRequest } from './types.js';
import { ApiConfigurationError } from '../data-plane/errors/gateway-error.js';
import { EMPTY_BODY } from '../data-plane/pipeline/response.js';

const STATUS_FIELD = /"statusCode"\s*:\s*(-?\d+)/;

/** The integer statusCode of a template output, or undefined. */
export function parseMockStatusCode(text: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object') {
      const status = (parsed as Record<string, unknown>).statusCode;
      return typeof status === 'number' && Number.isInteger(status) ? status : undefined;
    }
    return undefined;
  } catch {
    // Templates often print almost-JSON (trailing commas, comments); AWS still finds the field.
    const match = STATUS_FIELD.exec(text);
    return match === null ? undefined : Number(match[1]);
  }
}

export class MockIntegration implements Integration<MockRequest> {
  readonly type = 'MOCK' as const;
  // One-entry memo: a constant request template yields the same string every time.
  #lastText: string | undefined;
  #lastStatus: number | undefined;

  invoke(request: MockRequest): EndpointResponse {
    let status: number | undefined;
    const text = request.text;
    if (text !== undefined) {
      if (text === this.#lastText) status = this.#lastStatus;
      else {
        status = parseMockStatusCode(text);
        this.#lastText = text;
        this.#lastStatus = status;
      }
      if (status === undefined) {
        throw new ApiConfigurationError(undefined, {
          reason: 'Execution failed due to configuration error: Unable to parse statusCode. It should be an integer that is defined in the request template.',
        });
      }
    } else {
      const body = request.body;
      status = (body.length > 0 ? parseMockStatusCode(body.toString('utf8')) : undefined) ?? 200;
    }
    return { statusCode: status, headers: [], body: EMPTY_BODY };
  }
}
