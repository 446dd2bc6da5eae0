import { readFileSync } from 'node:fs';
import type { Db } from 'mongodb';

/** The dashboard's token in these runs (loopback only; the page gets it in `#token=`). */
export const SCREEN_TOKEN = 'bench-screen-token';

/** `BM<n>X`: what the page probe looks for (bench/screen/page-probe.ts). */
export function marker(n: number): string {
  return `BM${n}X`;
}

export function callSidOf(i: number): string {
  return `CA-screen-${String(i).padStart(5, '0')}`;
}

/**
 * `calls` active calls in progress (call 0 the longest, so it heads the list sorted by
 * duration) over a few campaigns, and the indexes `serve` asks for.
 */
export async function seedCalls(db: Db, calls: number): Promise<void> {
  await db.dropDatabase();
  const now = Date.now();
  const docs = [];
  for (let i = 0; i < calls; i++) {
    docs.push({
      _id: callSidOf(i),
      callSid: callSidOf(i),
      status: 'in-progress',
      contactName: `Caller ${i}`,
      to: `+1555${String(i).padStart(7, '0')}`,
      from: '+15550000000',
      // Distinct start times one second apart: the list's order (duration, descending) is
      // stable while the bench runs, so the rows it picks stay in view.
      startTime: new Date(now - 60_000 - (calls - i) * 1000),
      agentId: `agent-${1 + (i % 40)}`,
      campaignId: `CMP${1 + (i % 10)}`,
      updatedAt: new Date(now),
    });
  }
  const campaigns = Array.from({ length: 10 }, (_, i) => ({
    _id: `CMP${i + 1}`,
    campaignId: `CMP${i + 1}`,
    name: `Campaign ${i + 1}`,
    status: 'running',
  }));
  for (let i = 0; i < docs.length; i += 2000) {
    await db.collection('calls').insertMany(docs.slice(i, i + 2000) as never[]);
  }
  await db.collection('campaigns').insertMany(campaigns as never[]);
  await db.collection('calls').createIndex({ status: 1 });
  await db.collection('calls').createIndex({ callSid: 1 });
  await db.collection('campaigns').createIndex({ status: 1 });
  await db.collection('transcripts').createIndex({ callSid: 1, timeInCallSecs: 1 });
}

/**
 * CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN elsewhere.
 * The figure beside each measurement says which process was busy.
 */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat(5), 12 and 13 after the name; in ticks.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}
