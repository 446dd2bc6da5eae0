/**
 * A scripted writer at a fixed rate of updates per second: keeps a pool of active calls
 * moving through their lifecycle (insert queued -> ringing -> in-progress -> an outcome) and
 * bumps campaign counters, in one bulkWrite per collection every tick. Counts what it stored
 * and the ticks it had to skip because the previous write had not finished (falling behind).
 * Like a production database, the calls carry a unique index on `callSid` (the key every
 * status update filters on) and the campaigns one on `campaignId`.
 */
import type { AnyBulkWriteOperation, Db, Document } from 'mongodb';

/** Documents keyed by their callSid / campaignId as _id (MongoDB's fastest lookup). */
type LoadDoc = Document & { _id: string };

const NEXT: Record<string, string> = { queued: 'ringing', ringing: 'in-progress' };
const OUTCOMES = ['completed', 'completed', 'completed', 'failed', 'no-answer', 'busy'];

export interface LoadWriter {
  writes(): number;
  skippedTicks(): number;
  errors(): number;
  stop(): Promise<void>;
}

export async function startLoadWriter(
  db: Db,
  perSecond: number,
  activeTarget = 300,
): Promise<LoadWriter> {
  await db.collection('calls').createIndex({ callSid: 1 }, { unique: true });
  await db.collection('campaigns').createIndex({ campaignId: 1 }, { unique: true });
  const tickMs = 100;
  const perTick = Math.max(1, Math.round((perSecond * tickMs) / 1000));
  const active = new Map<string, string>();
  let serial = 0;
  let writes = 0;
  let skipped = 0;
  let errors = 0;
  let writing: Promise<void> | null = null;
  let random = 12345;
  const rand = () => (random = (random * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const campaigns = Array.from({ length: 8 }, (_, i) => `LOADCAMP${i}`);
  let campaignsMade = false;

  const tick = () => {
    if (writing) {
      skipped += 1;
      return;
    }
    const calls: AnyBulkWriteOperation<LoadDoc>[] = [];
    const camps: AnyBulkWriteOperation<LoadDoc>[] = [];
    if (!campaignsMade) {
      campaignsMade = true;
      for (const campaignId of campaigns) {
        camps.push({
          insertOne: {
            document: {
              _id: campaignId,
              campaignId,
              name: campaignId,
              status: 'running',
              totalCalls: 0,
              completedCalls: 0,
            },
          },
        });
      }
    }
    const keys = [...active.keys()];
    for (let i = 0; i < perTick; i++) {
      const now = new Date();
      if (active.size < activeTarget && (rand() < 0.5 || keys.length === 0)) {
        serial += 1;
        const callSid = `LOAD${serial}`;
        const campaignId = campaigns[serial % campaigns.length]!;
        active.set(callSid, 'queued');
        calls.push({
          insertOne: {
            document: {
              _id: callSid,
              callSid,
              status: 'queued',
              campaignId,
              to: `+1555${serial}`,
              startTime: now,
              updatedAt: now,
            },
          },
        });
        camps.push({
          updateOne: { filter: { _id: campaignId }, update: { $inc: { totalCalls: 1 } } },
        });
        continue;
      }
      const callSid = keys[Math.floor(rand() * keys.length)];
      if (!callSid || !active.has(callSid)) continue;
      const status = active.get(callSid)!;
      const next = NEXT[status] ?? OUTCOMES[Math.floor(rand() * OUTCOMES.length)]!;
      if (NEXT[status]) active.set(callSid, next);
      else active.delete(callSid);
      calls.push({
        updateOne: {
          filter: { callSid },
          update: {
            $set: {
              status: next,
              updatedAt: now,
              ...(NEXT[status] ? {} : { endTime: now, duration: Math.round(rand() * 300) }),
            },
          },
        },
      });
    }
    writing = (async () => {
      try {
        if (camps.length > 0)
          await db.collection<LoadDoc>('campaigns').bulkWrite(camps, { ordered: true });
        if (calls.length > 0)
          await db.collection<LoadDoc>('calls').bulkWrite(calls, { ordered: true });
        writes += calls.length + camps.length;
      } catch {
        errors += 1;
      } finally {
        writing = null;
      }
    })();
  };
  const timer = setInterval(tick, tickMs);
  return {
    writes: () => writes,
    skippedTicks: () => skipped,
    errors: () => errors,
    async stop() {
      clearInterval(timer);
      await writing;
    },
  };
}
