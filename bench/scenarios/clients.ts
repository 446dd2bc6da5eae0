import type { ContenderName } from '../contenders/registry';
import type { RunResult } from '../lib/run';
import { median } from '../lib/stats';
import { rotated, run, serverContenders, type ScenarioContext } from './context';
import { describeFailure } from './rate';

export interface ClientFigures {
  contender: ContenderName;
  /** Most clients that passed at 200 updates/s (p99 < 250 ms, nothing lost). */
  maxClients: number;
  /** Server heap (+ external buffers) per connected, subscribed client, bytes. */
  bytesPerClient: number;
  limitedBy: string;
}

/**
 * (3) the most clients one server process holds at 200 updates/s: doubling from 100 (up to 800
 * in quick mode, 6400 in full) until a
 * step fails, then one bisection. Memory per client = (heap with clients connected - heap
 * before) / clients, after a full GC, at the 100-client step.
 */
export async function measureClients(
  ctx: ScenarioContext,
): Promise<{ figures: ClientFigures[]; runs: RunResult[] }> {
  const full = ctx.options.mode === 'full';
  const durationS = full ? 10 : 2;
  const top = full ? 6400 : 800;
  const repetitions = full ? ctx.options.repetitions : 1;
  const runs: RunResult[] = [];
  const found = new Map<
    ContenderName,
    { clients: number; perClient: number; limitedBy: string }[]
  >();
  const contenders = serverContenders(ctx.options);
  for (let rep = 0; rep < repetitions; rep++) {
    for (const contender of rotated(contenders, rep)) {
      ctx.log(`clients: ${contender} (repetition ${rep + 1}/${repetitions})`);
      const attempt = async (clients: number) => {
        // 200 active calls, not 1000: the snapshot each client loads at connect is then 5x
        // smaller, so connecting thousands of clients does not dominate the run; the
        // steady-state load (200 updates/s to every client) is the same.
        const r = await run(ctx, {
          contender,
          rate: 200,
          clients,
          durationS,
          drainMs: 3_000,
          activeCalls: 200,
        });
        runs.push(r);
        return r;
      };
      let pass: RunResult | null = null;
      let fail: RunResult | null = null;
      for (let clients = 100; clients <= top; clients *= 2) {
        const r = await attempt(clients);
        if (r.ok) pass = r;
        else {
          fail = r;
          break;
        }
      }
      // The first step failed: fewer clients, so a loaded machine still gives a figure.
      for (const clients of full ? [50, 25, 10] : [50, 25]) {
        if (pass) break;
        const r = await attempt(clients);
        if (r.ok) pass = r;
      }
      if (pass && fail && full) {
        const clients = Math.round((pass.clients + fail.clients) / 2 / 50) * 50;
        const r = await attempt(clients);
        if (r.ok) pass = r;
        else fail = r;
      }
      // Memory per client at 100 clients (the first step, run by every contender), so the
      // contenders are compared at the same count: the fixed part of the delta is spread over
      // more clients at larger steps.
      const at100 = runs.find((r) => r.contender === contender && r.clients === 100 && r.server);
      const perClient = at100?.server
        ? (at100.server.heapConnected - at100.server.heapEmpty) / at100.clients
        : Number.NaN;
      const list = found.get(contender) ?? [];
      list.push({
        clients: pass?.clients ?? 0,
        perClient,
        limitedBy: fail ? describeFailure(fail) : `not reached (top of the ramp, ${top})`,
      });
      found.set(contender, list);
    }
  }
  const figures = contenders.map((contender): ClientFigures => {
    const list = found.get(contender) ?? [];
    return {
      contender,
      maxClients: median(list.map((f) => f.clients)),
      bytesPerClient: median(list.map((f) => f.perClient)),
      limitedBy: list[list.length - 1]?.limitedBy ?? '-',
    };
  });
  return { figures, runs };
}
