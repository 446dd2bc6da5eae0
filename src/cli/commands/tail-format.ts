import type { Call, Campaign } from '../../shared/domain/schemas';
import type { FeedChanges, FeedState } from '../../shared/feed/types';
import type { StreamName } from '../../shared/protocol/events';
import { formatTime } from '../../shared/time-format';
import {
  callLifecycle,
  campaignLifecycle,
  unknownStatusLabel,
} from '../../shared/domain/lifecycle';

/** What `callboard tail` prints for one applied message: lines without trailing newlines. */
export function describeChanges(
  state: FeedState,
  changes: FeedChanges,
  options: { json: boolean; at: number; streams: readonly StreamName[]; fromBatch: boolean },
): string[] {
  const lines: string[] = [];
  const time = formatTime(options.at);
  for (const stream of changes.reset) {
    if (!options.streams.includes(stream)) continue;
    const cursor = state.cursors[stream];
    // In key order: the feed's maps have none of their own.
    const items =
      stream === 'calls'
        ? [...state.calls.sortBy((_, key) => key).values()].map((e) => e.call)
        : [...state.campaigns.sortBy((_, key) => key).values()].map((e) => e.campaign);
    if (options.json) {
      lines.push(
        JSON.stringify({
          type: 'snapshot',
          stream,
          count: items.length,
          epoch: cursor.epoch,
          seq: cursor.seq,
          [stream]: items,
        }),
      );
    } else {
      const where = cursor.epoch ? ` (epoch ${cursor.epoch}, seq ${cursor.seq})` : '';
      lines.push(`${time} snapshot ${stream}: ${items.length} active${where}`);
      for (const item of items) lines.push(`  ${formatItem(stream, item)}`);
    }
  }
  const upserts: [StreamName, string[]][] = [
    ['calls', changes.callsUpserted],
    ['campaigns', changes.campaignsUpserted],
  ];
  for (const [stream, keys] of upserts) {
    if (!options.streams.includes(stream) || changes.reset.includes(stream)) continue;
    for (const key of keys) {
      const item =
        stream === 'calls' ? state.calls.get(key)?.call : state.campaigns.get(key)?.campaign;
      if (!item) continue;
      lines.push(
        options.json
          ? JSON.stringify({
              type: 'update',
              stream,
              [stream === 'calls' ? 'call' : 'campaign']: item,
            })
          : `${time} ${formatItem(stream, item)}`,
      );
    }
  }
  // Removals from ticks are lingering calls leaving the screen: only deletions are news.
  if (options.fromBatch) {
    const removals: [StreamName, string[]][] = [
      ['calls', changes.callsRemoved],
      ['campaigns', changes.campaignsRemoved],
    ];
    for (const [stream, keys] of removals) {
      if (!options.streams.includes(stream) || changes.reset.includes(stream)) continue;
      for (const key of keys) {
        lines.push(
          options.json
            ? JSON.stringify({ type: 'removed', stream, key })
            : `${time} ${stream === 'calls' ? 'call' : 'campaign'} ${key} removed`,
        );
      }
    }
  }
  return lines;
}

function formatItem(stream: StreamName, item: Call | Campaign): string {
  if (stream === 'calls') {
    const c = item as Call;
    const status = callLifecycle(c.status).known ? c.status : unknownStatusLabel(c.status);
    const parts = [`call ${c.callSid}`, status.padEnd(11), `${c.from ?? '?'} -> ${c.to ?? '?'}`];
    if (c.contactName) parts.push(c.contactName);
    if (c.campaignId) parts.push(`campaign=${c.campaignId}`);
    if (c.agentId) parts.push(`agent=${c.agentId}`);
    if (c.duration != null) parts.push(`${c.duration}s`);
    return parts.join('  ');
  }
  const c = item as Campaign;
  const counts = [
    ['total', c.totalCalls],
    ['done', c.completedCalls],
    ['failed', c.failedCalls],
    ['live', c.inProgressCalls],
  ]
    .filter(([, v]) => v != null)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const status = campaignLifecycle(c.status).known ? c.status : unknownStatusLabel(c.status);
  return `campaign ${c.campaignId}  ${status.padEnd(9)}  ${c.name ?? ''}  ${counts}`.trimEnd();
}
