/**
 * Scripted writes of one call in progress, as an integration that keeps ElevenLabs' live turns
 * writes them (issue 15, DATA.md): the call's document, then one turn document every
 * 100-200 ms, agent and caller alternating, and every `correctEvery`-th write a correction (an
 * update of an earlier turn's message, which replaces that turn on screen). Writes go through
 * the test's own client, so fail points scoped to the watcher's appName never touch them.
 */
import type { Db, ObjectId } from 'mongodb';
import { seededRandom } from '../../../src/server/simulator/random';

export interface TurnWriter {
  readonly callSid: string;
  /** Turn documents inserted plus corrections applied. */
  writes(): number;
  corrections(): number;
  errors(): string[];
  /** Stops writing; resolves once the write in flight is stored. */
  stop(): Promise<void>;
}

export interface TurnWriterOptions {
  /** Pause between two writes, drawn uniformly from [min, max] ms. */
  paceMs?: [number, number];
  correctEvery?: number;
  seed?: number;
}

export async function startTurnWriter(
  db: Db,
  callSid: string,
  options: TurnWriterOptions = {},
): Promise<TurnWriter> {
  const [minMs, maxMs] = options.paceMs ?? [100, 200];
  const correctEvery = options.correctEvery ?? 7;
  const random = seededRandom(options.seed ?? 15);
  const turns = db.collection('transcripts');
  await db.collection('calls').insertOne({
    callSid,
    status: 'in-progress',
    direction: 'outbound',
    startTime: new Date(),
  });
  const inserted: { _id: ObjectId; message: string }[] = [];
  let writes = 0;
  let corrections = 0;
  const errors: string[] = [];
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  const writeOne = async () => {
    const n = writes + 1;
    if (n % correctEvery === 0 && inserted.length >= 3) {
      // A correction of a turn a few back: the speech recogniser revised what it heard.
      const earlier = inserted[inserted.length - 3]!;
      earlier.message = `${earlier.message} (corrected at write ${n})`;
      await turns.updateOne({ _id: earlier._id }, { $set: { message: earlier.message } });
      corrections += 1;
    } else {
      const message = `turn ${inserted.length + 1}: ${n % 2 ? 'agent speaking' : 'caller answering'}`;
      const { insertedId } = await turns.insertOne({
        callSid,
        role: inserted.length % 2 === 0 ? 'agent' : 'user',
        message,
        timeInCallSecs: (inserted.length + 1) * 1.5,
        createdAt: new Date(),
      });
      inserted.push({ _id: insertedId, message });
    }
    writes = n;
  };

  const tick = () => {
    if (stopped) return;
    inFlight = writeOne()
      .catch((error: unknown) => void errors.push((error as Error).message))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, minMs + random() * (maxMs - minMs));
      });
  };
  tick();
  return {
    callSid,
    writes: () => writes,
    corrections: () => corrections,
    errors: () => [...errors],
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await inFlight;
    },
  };
}
