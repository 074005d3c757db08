// The answer ring: a worker writes answers into shared memory, its pool reads them back in
// order, whole, with nothing lost when the ring wraps around or fills up. The writer and the
// reader are two views of one SharedArrayBuffer, as the two threads have.
import { describe, it, expect } from 'vitest';
import { AnswerRing, ANSWER_INLINE_CHARS, type Answer } from '../../../src/functions/runtime/answer-ring.js';

function ring(capacity?: number): { writer: AnswerRing; reader: AnswerRing } {
  const buffer = AnswerRing.allocate(capacity);
  return { writer: new AnswerRing(buffer), reader: new AnswerRing(buffer) };
}

const answer = (id: number, payload: string, extra: Partial<Answer> = {}): Answer => ({ id, ok: true, payload, durationMs: 0.25, memoryMb: 64, ...extra });

function readAll(reader: AnswerRing): Answer[] {
  const answers: Answer[] = [];
  for (let next = reader.read(); next !== undefined; next = reader.read()) answers.push(next);
  return answers;
}

describe('the answer ring', () => {
  it('gives back each answer as written, in order, then nothing', () => {
    const { writer, reader } = ring();
    expect(reader.read()).toBeUndefined();
    const written = [
      answer(1, '{"ok":"é ✓ 😀"}', { log: 'line one\nline two é\n', initMs: 123.5, durationMs: 17.125, memoryMb: 88 }),
      answer(2, '{"errorType":"Error"}', { ok: false }),
      answer(0x7fffffff, 'null', { log: '' }),
    ];
    for (const each of written) expect(writer.write(each)).toBe(true);
    expect(readAll(reader)).toEqual([
      written[0],
      written[1],
      // An empty log is no log.
      answer(0x7fffffff, 'null'),
    ]);
    expect(reader.read()).toBeUndefined();
  });

  it('does not take an answer longer than ANSWER_INLINE_CHARS (it is posted instead), payload and log together', () => {
    const { writer, reader } = ring();
    expect(writer.write(answer(1, 'x'.repeat(ANSWER_INLINE_CHARS + 1)))).toBe(false);
    expect(writer.write(answer(2, 'x'.repeat(ANSWER_INLINE_CHARS / 2), { log: 'y'.repeat(ANSWER_INLINE_CHARS / 2 + 1) }))).toBe(false);
    expect(reader.read()).toBeUndefined();
    expect(writer.write(answer(3, 'x'.repeat(ANSWER_INLINE_CHARS)))).toBe(true);
    expect(reader.read()).toEqual(answer(3, 'x'.repeat(ANSWER_INLINE_CHARS)));
  });

  it('refuses an answer when full, and takes it once the reader has made room', () => {
    // 40-byte headers: each of these answers takes 96 bytes of a 256-byte ring.
    const { writer, reader } = ring(256);
    const payload = (n: number) => `"${String(n).padStart(48, '0')}"`;
    expect(writer.write(answer(1, payload(1)))).toBe(true);
    expect(writer.write(answer(2, payload(2)))).toBe(true);
    expect(writer.write(answer(3, payload(3)))).toBe(false);
    expect(reader.read()).toEqual(answer(1, payload(1)));
    // 64 bytes are left before the end: the answer starts over at the beginning, where the first was.
    expect(writer.write(answer(3, payload(3)))).toBe(true);
    expect(writer.write(answer(4, payload(4)))).toBe(false);
    expect(readAll(reader)).toEqual([answer(2, payload(2)), answer(3, payload(3))]);
    expect(writer.write(answer(4, payload(4)))).toBe(true);
    expect(readAll(reader)).toEqual([answer(4, payload(4))]);
  });

  it('refuses an answer larger than the space left, not the ones after it that fit', () => {
    const { writer, reader } = ring(256);
    expect(writer.write(answer(1, 'a'.repeat(100)))).toBe(true);
    expect(writer.write(answer(2, 'b'.repeat(100)))).toBe(false);
    expect(writer.write(answer(3, 'c'))).toBe(true);
    expect(readAll(reader)).toEqual([answer(1, 'a'.repeat(100)), answer(3, 'c')]);
  });

  it('never takes an answer larger than the whole ring', () => {
    const { writer, reader } = ring(128);
    expect(writer.write(answer(1, 'x'.repeat(100)))).toBe(false);
    expect(reader.read()).toBeUndefined();
  });

  it('wraps around lap after lap with answers of every size up to half the ring, losing and mixing up none', () => {
    const { writer, reader } = ring(1024);
    let next = 0;
    let read = 0;
    // Up to 40 + 2 + 2 * 220 + 10 = 492 bytes each: every one fits once the reader has caught up.
    const expected = (id: number) => answer(id, JSON.stringify('é'.repeat((id * 37) % 221)), id % 3 === 0 ? { log: `log ${id}\n`, initMs: id } : {});
    while (next < 2000) {
      // Write until the ring is full, then read everything back.
      while (writer.write(expected(next))) next++;
      const answers = readAll(reader);
      expect(answers.length).toBeGreaterThan(0);
      for (const each of answers) expect(each).toEqual(expected(read++));
    }
    expect(read).toBe(next);
  });

  it('is made in sizes that are powers of two', () => {
    expect(() => AnswerRing.allocate(1000)).toThrow(RangeError);
    expect(() => AnswerRing.allocate(32)).toThrow(RangeError);
    expect(AnswerRing.allocate(4096).byteLength).toBeGreaterThanOrEqual(4096);
  });
});
