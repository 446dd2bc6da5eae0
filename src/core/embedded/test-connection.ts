import type { ConnectionTestReport } from '../../shared/ipc';
import type { Settings } from '../../shared/settings';
import { probeFeed } from '../feed/probe-feed';
import { createFeedForSettings, type FeedDeps } from './feed-factory';

/**
 * "Test connection" for settings being edited: builds the feed those settings would use (a
 * throw-away one: no gateway is served), waits for its first snapshot, reports, stops it.
 */
export async function testConnectionFor(
  settings: Settings,
  deps: FeedDeps,
  timeoutMs = 8_000,
): Promise<ConnectionTestReport> {
  const started = Date.now();
  const probe: Settings =
    settings.mode === 'embedded'
      ? { ...settings, embedded: { ...settings.embedded, servePort: null } }
      : settings;
  try {
    const created = await createFeedForSettings(probe, deps);
    const what =
      created.mode === 'remote'
        ? `Callboard server at ${created.target}`
        : created.mode === 'embedded'
          ? `MongoDB at ${created.target}`
          : `the demo (${created.target})`;
    return await probeFeed(created.feed, what, { timeoutMs });
  } catch (error) {
    return {
      ok: false,
      summary: 'Connection failed',
      error: (error as Error).message,
      durationMs: Date.now() - started,
    };
  }
}
