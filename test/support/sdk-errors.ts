/**
 * Errors shaped like the AWS SDK's service exceptions, for mocks: the error code as `name`, `$fault`, `$metadata`.
 */

/** A service exception `name` with HTTP `status` (default 400). */
export function sdkError(name: string, status = 400, message = `${name} from the mock`): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status, requestId: "req-1" },
  });
}
