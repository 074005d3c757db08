// How long a handler's result would be as JSON, at least, found without serialising it: strings
// and typed arrays counted by length (a UTF-8 byte per character at least), the walk stopping as
// soon as the sum passes the limit. Serialising a result far past Lambda's 6 MB response limit
// could exhaust the function's heap inside V8's native code, which ends the whole process.

/** Past this many objects the walk gives up (cycles, huge graphs) and JSON.stringify decides. */
const MAX_OBJECTS = 100_000;

/** A lower bound of `JSON.stringify(value).length` once it passes `limit`; undefined when it may fit. */
export function jsonLengthPast(value: unknown, limit: number): number | undefined {
  let total = 0;
  let objects = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === 'string') total += item.length + 2;
    else if (ArrayBuffer.isView(item)) total += item.byteLength;
    else if (item !== null && typeof item === 'object') {
      if (++objects > MAX_OBJECTS) return undefined;
      if (Array.isArray(item)) {
        total += item.length + 1;
        for (let i = 0; i < item.length; i++) stack.push(item[i]);
      } else {
        for (const key in item) {
          if (!Object.hasOwn(item, key)) continue;
          total += key.length + 4;
          stack.push((item as Record<string, unknown>)[key]);
        }
      }
    } else total += 1;
    if (total > limit) return total;
  }
  return undefined;
}
