/**
 * Helpers for change-stream tests (used by the *.emulator.test.ts files; they only use the
 * public driver API, so they work against a real replica set as well).
 */
import type { Document } from 'mongodb';

/** Starts the stream on the server (the driver's watch() is lazy) without consuming events. */
export async function started<S extends { tryNext(): Promise<unknown> }>(stream: S): Promise<S> {
  const first = await stream.tryNext();
  if (first !== null)
    throw new Error(`stream saw an unexpected event on start: ${JSON.stringify(first)}`);
  return stream;
}

/** The next `count` events, failing after `timeoutMs` (the stream is left open). */
export async function take<T = Document>(
  stream: { next(): Promise<unknown> },
  count: number,
  timeoutMs = 10_000,
): Promise<T[]> {
  const out: T[] = [];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${count} events, got ${out.length}`,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    while (out.length < count) out.push((await Promise.race([stream.next(), timeout])) as T);
    return out;
  } finally {
    clearTimeout(timer);
  }
}

/** A change event, loosely typed so tests can look at any field. */
export type Event = Document;
