// Asserts that an AWS SDK call failed the way AWS fails it: exception name, message, status.
import { expect } from 'vitest';

export async function expectError(promise: Promise<unknown>, name: string, message: string | RegExp, status: number): Promise<void> {
  const error = (await promise.then(() => undefined, (e: unknown) => e)) as { name: string; message: string; $metadata: { httpStatusCode?: number } } | undefined;
  expect(error, 'expected the call to fail').toBeDefined();
  expect(error?.name).toBe(name);
  if (typeof message === 'string') expect(error?.message).toBe(message);
  else expect(error?.message).toMatch(message);
  expect(error?.$metadata.httpStatusCode).toBe(status);
}
