/**
 * What applying feed messages costs a client (the monitor core's path: FeedMessageQueue over
 * the shared reducer) holding N calls, at a steady rate of one-change messages, once applying
 * every message on its own (budget 1) and once with the queue's default pacing. Prints the CPU
 * share of the process and how many applies the messages took.
 *
 *   npx jiti bench/client-apply.ts [--calls 500,10000] [--rate 200] [--seconds 10]
 *
 * Figures from this machine are in docs/performance.md ("Callboard's client path").
 */
import { FeedMessageQueue } from '../src/core/feed/message-queue';
import { applyFeedMessage, initialFeedState } from '../src/shared/feed/reducer';
import type { FeedMessage } from '../src/shared/feed/types';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const sizes = option('calls', '500,10000').split(',').map(Number);
const rate = Number(option('rate', '200'));
const seconds = Number(option('seconds', '10'));
for (const [name, n] of [
  ['calls', sizes],
  ['rate', [rate]],
  ['seconds', [seconds]],
] as const) {
  if (n.some((x) => !Number.isFinite(x) || x <= 0)) {
    console.error(`--${name} must be positive numbers`);
    process.exit(2);
  }
}

const call = (i: number, status: string) =>
  ({ callSid: `CA${i}`, status, to: '+15550100', updatedAt: new Date().toISOString() }) as never;

function run(calls: number, budget: number | undefined) {
  return new Promise<{ messages: number; applies: number; cpuPct: number }>((resolve) => {
    let state = initialFeedState();
    state = applyFeedMessage(state, {
      kind: 'snapshot',
      stream: 'calls',
      calls: Array.from({ length: calls }, (_, i) => call(i, 'in-progress')),
      epoch: 'e',
      seq: 0,
      at: Date.now(),
    }).state;
    let applies = 0;
    const queue = new FeedMessageQueue(
      () => state.cursors,
      (message) => {
        applies += 1;
        state = applyFeedMessage(state, message).state;
      },
      budget === undefined ? {} : { budget },
    );
    let seq = 0;
    const cpuStart = process.cpuUsage();
    const started = Date.now();
    // One message per timer turn, as they come off a socket at a steady rate.
    const timer = setInterval(() => {
      seq += 1;
      const message: FeedMessage = {
        kind: 'batch',
        stream: 'calls',
        calls: [call(seq % calls, seq % 2 ? 'ringing' : 'in-progress')],
        removed: [],
        epoch: 'e',
        fromSeq: seq,
        seq,
        at: Date.now(),
      };
      queue.push(message);
      if (Date.now() - started < seconds * 1000) return;
      clearInterval(timer);
      queue.drain();
      const cpu = process.cpuUsage(cpuStart);
      const wallMs = Date.now() - started;
      resolve({
        messages: seq,
        applies,
        cpuPct: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 1000) / 10,
      });
    }, 1000 / rate);
  });
}

console.log(`calls  pacing                  messages  applies  CPU % of one core`);
for (const calls of sizes) {
  for (const [label, budget] of [
    ['every message (budget 1)', 1],
    ['default (budget 0.1)', undefined],
  ] as const) {
    const r = await run(calls, budget);
    console.log(
      `${String(calls).padEnd(6)} ${label.padEnd(23)} ${String(r.messages).padEnd(9)} ${String(r.applies).padEnd(8)} ${r.cpuPct}`,
    );
  }
}
