import { expect, it } from 'vitest';
import { silentLogger } from '../../shared/log';
import { stateClient, watchedServerTests } from '../emulator-test-support';
import { until } from '../test-support';
import { transcriptClient } from '../transcripts/transcript-client.test-support';
import { mongoCallStore } from './call-store';
import { TrafficSimulator } from './simulator';

const ctx = watchedServerTests('demotranscripts');

it('the demo simulator writes live turns that an open transcript shows as they are written', async () => {
  const { url } = await ctx.serve();
  const sim = new TrafficSimulator({
    store: mongoCallStore(ctx.target.client.db(ctx.target.dbName)),
    logger: silentLogger,
    callsPerSecond: 5,
    timeScale: 0.05,
    tickMs: 50,
    seed: 7,
    transcriptCalls: 50,
  });
  sim.start();
  ctx.defer(() => sim.stop());
  const list = stateClient(url);
  ctx.defer(() => list.close());
  await list.socket.emitWithAck('subscribe:calls', { v: 2 });
  const talking = await until(
    () =>
      [...list.state().calls.values()].find(
        (e) =>
          e.call.status === 'in-progress' &&
          // A machine gets a message, not a conversation (no turns).
          !/^(machine|fax)/.test(String((e.call as Record<string, unknown>).AnsweredBy ?? '')),
      ),
    'a call in progress with a person',
    10_000,
  );
  const c = transcriptClient(url);
  ctx.defer(() => c.close());
  expect((await c.open(talking.call.callSid)).ok).toBe(true);
  await until(() => c.shown(talking.call.callSid).length >= 2, 'two turns of the call', 10_000);
  const shown = c.shown(talking.call.callSid);
  expect(shown[0]!.role).toBe('agent');
  expect(shown[1]!.role).toBe('caller');
  expect(c.gaps).toEqual([]);
});
