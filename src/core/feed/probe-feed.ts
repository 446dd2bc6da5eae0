import type { ConnectionTestReport } from '../../shared/ipc';
import type { Feed, FeedStatus } from './feed';

/**
 * "Test connection": starts a throw-away feed for the settings being edited, waits for the
 * first calls snapshot (it works) or a failure / the timeout (it does not, and why), stops
 * the feed and reports in words. Never throws.
 */
export interface ProbeOptions {
  timeoutMs?: number;
  now?: () => number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
}

const protocolName = (p: FeedStatus['protocol']) =>
  p === 2 ? 'protocol v2' : p === 1 ? 'seed protocol' : 'protocol unknown';

export async function probeFeed(
  feed: Feed,
  describe: string,
  options: ProbeOptions = {},
): Promise<ConnectionTestReport> {
  const now = options.now ?? (() => Date.now());
  const set = options.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms));
  const clear =
    options.clearTimeout ??
    ((h) => globalThis.clearTimeout(h as ReturnType<typeof globalThis.setTimeout>));
  const timeoutMs = options.timeoutMs ?? 8_000;
  const started = now();
  let status: FeedStatus | null = null;
  const problems: string[] = [];

  const outcome = await new Promise<{ ok: true; calls: number } | { ok: false; error: string }>(
    (resolve) => {
      const timer = set(() => {
        const reason = status?.error ?? `no snapshot within ${Math.round(timeoutMs / 1000)} s`;
        resolve({ ok: false, error: `cannot reach ${describe}: ${reason}` });
      }, timeoutMs);
      const done = (value: { ok: true; calls: number } | { ok: false; error: string }) => {
        clear(timer);
        resolve(value);
      };
      feed.onStatus((s) => {
        status = s;
        if (s.status === 'failed')
          done({ ok: false, error: `cannot reach ${describe}: ${s.error ?? 'failed'}` });
      });
      feed.onProblem((p) => problems.push(p));
      feed.onMessage((m) => {
        if (m.kind === 'snapshot' && m.stream === 'calls')
          done({ ok: true, calls: m.calls.length });
      });
      try {
        feed.start();
      } catch (error) {
        done({ ok: false, error: `cannot start: ${(error as Error).message}` });
      }
    },
  );
  await feed.stop().catch(() => {});
  const durationMs = now() - started;
  if (!outcome.ok)
    return { ok: false, summary: 'Connection failed', error: outcome.error, durationMs };
  const s = status as FeedStatus | null;
  const parts = [
    describe,
    protocolName(s?.protocol),
    `${outcome.calls} active call${outcome.calls === 1 ? '' : 's'}`,
  ];
  if (problems.length > 0) parts.push(`${problems.length} invalid document(s) ignored`);
  return { ok: true, summary: parts.join(', '), durationMs };
}
