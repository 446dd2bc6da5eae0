/**
 * The server process killed (SIGKILL: no clean shutdown, the resume token is whatever was
 * last saved) and restarted on the same port with the same --state-dir, twice, while the
 * simulator keeps writing. Clients (the real RemoteFeed) reconnect by themselves. Ends with
 * the field-by-field comparison; the row goes to results/process-faults.json.
 * Needs the built CLI (`npm run build:cli`; `npm test` and `npm run test:reliability` build it).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CLI_BUILT, spawnCli, type CliProcess } from './support/cli-process';
import { lostKeys, waitForConvergence } from './support/db-state';
import { openHarness, startSimulator, until, type Harness } from './support/harness';
import { writeResults, type FaultRow } from './support/results';
import { freePort } from './support/tcp-proxy';

const rows: FaultRow[] = [];
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
afterAll(() => writeResults('process-faults', rows));

describe.skipIf(!CLI_BUILT)('the server process killed (needs out/cli: npm run build:cli)', () => {
  it('SIGKILL twice while writes continue: restarted on the same port, clients converge', async () => {
    h = await openHarness();
    const stateDir = await mkdtemp(join(tmpdir(), 'callboard-reliability-state-'));
    h.defer(() => rm(stateDir, { recursive: true, force: true }));
    const port = await freePort();
    const serve = (): CliProcess => {
      const p = spawnCli([
        'serve',
        '--mongo',
        h!.target.uri,
        '--db',
        h!.target.dbName,
        '--port',
        String(port),
        '--state-dir',
        stateDir,
        '--static-dir',
        stateDir,
        '--log-level',
        'info',
      ]);
      h!.defer(() => p.close());
      return p;
    };
    let server = serve();
    await server.waitForOut(/listening on http/);
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 3; i++) h.addClient(`client-${i}`, url);
    await until(() => h!.clients.every((c) => c.status() === 'live'), 'every client to be live');
    const sim = startSimulator(h.db);
    await until(() => sim.writes() > 40, 'the simulator to write');

    const before = sim.writes();
    const resumed: boolean[] = [];
    for (let kill = 0; kill < 2; kill++) {
      server.child.kill('SIGKILL');
      expect((await server.exited).signal).toBe('SIGKILL');
      await until(() => h!.clients.every((c) => c.status() !== 'live'), 'clients to see it gone');
      const mark = sim.writes();
      await until(() => sim.writes() > mark + 40, 'writes while no server runs');
      server = serve();
      await server.waitForOut(/listening on http/);
      resumed.push(/resuming from the saved token/.test(server.stderr()));
      await until(() => h!.clients.every((c) => c.status() === 'live'), 'clients back', 20_000);
    }
    const during = sim.writes() - before;
    const clearedAt = Date.now();
    await sim.stop();
    const waitFrom = Date.now();
    const converged = await waitForConvergence(h.db, h.clients, 20_000);
    rows.push({
      fault: 'server process killed (SIGKILL x2) and restarted',
      writesDuringFault: during,
      updatesLost: lostKeys(converged.mismatches),
      convergeMs: converged.ms + (waitFrom - clearedAt),
      notes: `restarts resumed from the saved token: ${resumed.join(', ')}; ${converged.activeInDb} active documents compared on ${h.clients.length} clients`,
    });
    expect(converged.mismatches).toEqual([]);
    // The token was saved before each kill, so each restart resumed rather than re-read.
    expect(resumed).toEqual([true, true]);
    for (const c of h.clients) expect(c.stats.problems).toEqual([]);
    // Two cold starts of `serve` (three change streams each) and the clients' reconnect
    // backoff: longer than the default 30 s on a loaded machine; each wait has its own bound.
  }, 90_000);
});
