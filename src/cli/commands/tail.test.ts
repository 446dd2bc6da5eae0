import { afterEach, describe, expect, it } from 'vitest';
import { createRealtimeServer, type RealtimeServer } from '../../server';
import { silentLogger } from '../../shared/log';
import { UsageError } from '../command';
import { captureIo } from './capture-io.test-support';
import { tailCommand } from './tail';

const call = (callSid: string, status: string) => ({
  _id: `id-${callSid}`,
  callSid,
  status,
  from: '+18005550100',
  to: '+15555550123',
});

let server: RealtimeServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

async function serve(token?: string, simulated = false) {
  server = createRealtimeServer({
    logger: silentLogger,
    port: 0,
    ...(token ? { token } : {}),
    simulated,
  });
  const { url } = await server.start();
  return { hub: server.hub, url };
}

describe('callboard tail', () => {
  it('prints the snapshot, then one line per update, and stops on Ctrl-C', async () => {
    const { hub, url } = await serve('tok');
    hub.load('calls', [call('CA1', 'ringing')]);
    const cap = captureIo();
    const exit = tailCommand.run(['--url', url, '--token', 'tok'], cap.io);
    await cap.waitForOut(/snapshot calls: 1 active \(epoch \S+, seq 1\)\n {2}call CA1 {2}ringing/);
    hub.ingest('calls', [{ doc: call('CA1', 'in-progress') }]);
    await cap.waitForOut(/\d\d:\d\d:\d\d call CA1 {2}in-progress/);
    hub.ingest('calls', [{ id: 'id-CA1', doc: null }]);
    await cap.waitForOut(/call CA1 removed/);
    cap.stop();
    expect(await exit).toBe(0);
  });

  it('reads every status vocabulary in DATA.md without a "bad data" line', async () => {
    const { hub, url } = await serve();
    hub.load('calls', [call('EL1', 'in-progress'), call('TW1', 'answered')]);
    const cap = captureIo();
    const exit = tailCommand.run(['--url', url], cap.io);
    await cap.waitForOut(/call EL1 {2}in-progress/);
    // ElevenLabs: the call is over while its analysis runs, then done.
    hub.ingest('calls', [{ doc: call('EL1', 'processing') }]);
    await cap.waitForOut(/call EL1 {2}completed/);
    hub.ingest('calls', [{ doc: call('EL1', 'done') }, { doc: call('B1', 'in_progress') }]);
    await cap.waitForOut(/call B1 {2}in-progress/);
    hub.ingest('calls', [{ doc: call('B1', 'cancelled') }, { doc: call('X1', 'Transferring') }]);
    await cap.waitForOut(/call X1 {2}unknown status: Transferring/);
    await cap.waitForOut(/call B1 {2}canceled/);
    cap.stop();
    expect(await exit).toBe(0);
    expect(cap.out()).toMatch(/call TW1 {2}in-progress/);
    expect(cap.err()).not.toMatch(/bad data/);
  });

  it('says so when the server runs simulated traffic (serve --demo)', async () => {
    const { url } = await serve(undefined, true);
    const cap = captureIo();
    const exit = tailCommand.run(['--url', url], cap.io);
    await cap.waitForErr(/the server's data is simulated \(serve --demo\)/);
    cap.stop();
    expect(await exit).toBe(0);
  });

  it('prints JSON lines with --json', async () => {
    const { hub, url } = await serve();
    hub.load('calls', [call('CA1', 'queued')]);
    const cap = captureIo();
    const exit = tailCommand.run(['--url', url, '--json'], cap.io);
    await cap.waitForOut(/"type":"snapshot"/);
    hub.ingest('calls', [{ doc: call('CA2', 'initiated') }]);
    await cap.waitForOut(/"type":"update"/);
    cap.stop();
    expect(await exit).toBe(0);
    const lines = cap
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ type: 'snapshot', stream: 'calls', count: 1, seq: 1 });
    expect(lines[1]).toMatchObject({ type: 'update', stream: 'calls', call: { callSid: 'CA2' } });
  });

  it('exits 1 with a clear message when the server refuses the token', async () => {
    const { url } = await serve('right');
    const cap = captureIo();
    expect(await tailCommand.run(['--url', url, '--token', 'wrong'], cap.io)).toBe(1);
    expect(cap.err()).toContain('unauthorized: the server refused the token');
  });

  it('exits 1 naming the address when no server listens there', async () => {
    const { url } = await serve();
    await server!.stop();
    server = null;
    const cap = captureIo();
    expect(await tailCommand.run(['--url', url], cap.io)).toBe(1);
    expect(cap.err()).toContain(`cannot reach ${url}: connection refused`);
  });

  it('refuses a URL that is not http(s)', async () => {
    const cap = captureIo();
    await expect(tailCommand.run(['--url', 'ftp://x'], cap.io)).rejects.toThrow(UsageError);
    await expect(tailCommand.run(['--url', 'not a url'], cap.io)).rejects.toThrow(/--url/);
  });
});
