import { describe, expect, it } from 'vitest';
import { readServerSentEvents } from './sse-reader.js';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const c of chunks) controller.enqueue(encoder.encode(c));
      controller.close();
    },
  });
}

describe('readServerSentEvents', () => {
  it('joins events split across chunks, skips comments, handles CRLF and multi-line data', async () => {
    const got: string[] = [];
    await readServerSentEvents(streamOf([': ping\n\n', 'data: {"a"', ':1}\n\nda', 'ta: x\r\ndata: y\r\n\r\n', 'event: t\ndata: z\n\n']), (d) => got.push(d));
    expect(got).toEqual(['{"a":1}', 'x\ny', 'z']);
  });
});
