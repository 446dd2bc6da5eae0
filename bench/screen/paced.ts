/**
 * Background traffic at a steady rate for a bounded time: every tick, the writes that fell due
 * since the last one go out as one batch, and the next tick waits for that batch (so a slow
 * database shows as a lower achieved rate, never as a growing pile of writes in flight).
 */
export interface PacedResult {
  sent: number;
  achievedRate: number;
}

export async function paced(
  ratePerSecond: number,
  durationMs: number,
  sendBatch: (firstIndex: number, count: number) => Promise<unknown>,
  tickMs = 20,
): Promise<PacedResult> {
  const startedAt = Date.now();
  let sent = 0;
  for (;;) {
    const elapsed = Date.now() - startedAt;
    if (elapsed >= durationMs) break;
    const due = Math.floor((elapsed * ratePerSecond) / 1000) + 1;
    if (due > sent) {
      const count = due - sent;
      await sendBatch(sent, count);
      sent += count;
    }
    await new Promise((resolve) => setTimeout(resolve, tickMs));
  }
  const elapsed = Date.now() - startedAt;
  return { sent, achievedRate: (sent * 1000) / elapsed };
}

/**
 * Measured writes, one every `intervalMs`, each stamped with Date.now() just before it is
 * sent (the page's observer stamps the other end with the same clock).
 */
export async function measuredWrites(
  count: number,
  intervalMs: number,
  write: (index: number) => Promise<unknown>,
): Promise<number[]> {
  const sentAt: number[] = [];
  for (let i = 0; i < count; i++) {
    const due = Date.now() + intervalMs;
    sentAt.push(Date.now());
    await write(i);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
  }
  return sentAt;
}
