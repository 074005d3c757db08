// Every limit Archway enforces, with AWS's default
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html).
// Each is an option.

export const LIMITS = {
  /** REST payload limit: 10 MB; larger → 413 (REQUEST_TOO_LARGE). */
  maxRequestBodyBytes: 10 * 1024 * 1024,
  /** Endpoint response bodies (AWS's 10 MB payload quota): larger → 504 INTEGRATION_FAILURE, or a cut connection once streaming. */
  maxResponseBodyBytes: 10 * 1024 * 1024,
  /** Total size of request headers (AWS: 10240 bytes of header values). */
  maxHeaderBytes: 10240,
  /** Integration timeout default and bounds (ms). */
  defaultIntegrationTimeoutMs: 29_000,
  minIntegrationTimeoutMs: 50,
  maxIntegrationTimeoutMs: 29_000,
  /** Stages per REST API. */
  maxStagesPerApi: 10,
  /** Resources per REST API. */
  maxResourcesPerApi: 300,
  /** REST APIs (AWS: 600 Regional APIs per Region, "Amazon API Gateway quotas"). */
  maxRestApis: 600,
  /**
   * One REST API's whole definition, as stored (Archway's own bound: AWS's import quota, 6 MB, so
   * any API can be exported and imported again; every write re-serialises the definition).
   */
  maxApiDefinitionBytes: 6 * 1024 * 1024,
  /** Longest wait for a request's headers (Archway's own: slow clients answered 408). */
  headersTimeoutMs: 10_000,
  /** Longest wait for the next bytes of a request body (408 past it). */
  bodyIdleTimeoutMs: 10_000,
  /** Longest time to receive a whole request, headers and body (408 past it). */
  requestTimeoutMs: 60_000,
  /** Request bodies buffered at once across every request (503 past it), so stalled uploads cannot take the memory. */
  maxBufferedBodyBytes: 256 * 1024 * 1024,
  /** Control-plane request bodies (imports are capped at 6 MB by AWS; leave room). */
  maxControlPlaneBodyBytes: 10 * 1024 * 1024,
  /** How long shutdown waits for in-flight requests. */
  shutdownDrainMs: 10_000,
  /** Invocations one Lambda function may run at once (AWS: the account's 1000 unreserved); beyond → 429. */
  functionConcurrency: 1000,
  /**
   * Function worker threads alive at once, across every function (no AWS equivalent: each is an
   * execution environment, ≈ 10 MB and more). Past it, an invocation waits for a worker: an idle
   * one of another function gives its place, or a running one ends.
   */
  maxFunctionWorkers: 256,
  /**
   * Requests per second and burst across every API of the account, the last throttle checked
   * (AWS: 10 000 rps, 5 000 burst per Region; https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html).
   */
  accountRateLimit: 10_000,
  /**
   * How long a Lambda authorizer may take before the request is answered 500
   * AuthorizerConfigurationException (AWS: 10 s for HTTP APIs' authorizers, "Quotas for configuring
   * and running an HTTP API"; REST unverified, taken as the same).
   */
  authorizerTimeoutMs: 10_000,
  accountBurstLimit: 5_000,
  /**
   * After fetching an issuer's JWKS, how long a token naming an unknown `kid` waits before the
   * JWKS is fetched again (jose's default; Archway's own bound: one fetch per interval, however
   * many such tokens come). Key rotation is seen within it.
   */
  jwksRefetchIntervalMs: 30_000,
} as const;

export type Limits = { -readonly [K in keyof typeof LIMITS]: number };
