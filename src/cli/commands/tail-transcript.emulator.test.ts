import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../emulator/test-target';
import { startWatchedServer } from '../../server/emulator-test-support';
import type { RealtimeServer } from '../../server';
import { UsageError } from '../command';
import { captureIo } from './capture-io.test-support';
import { tailCommand } from './tail';

let target: TestDatabase;
let server: RealtimeServer | null = null;
beforeEach(async () => {
  target = await openTestDatabase({ prefix: 'tailtranscript' });
});
afterEach(async () => {
  await server?.stop();
  server = null;
  await target.close();
});

const turns = () => target.client.db(target.dbName).collection('transcripts');

describe('callboard tail --transcript', () => {
  it('prints the turns so far, then new turns and corrections, with time in the call and who spoke', async () => {
    await turns().insertMany([
      { callSid: 'CA1', role: 'agent', message: 'Hello, Ava here.', timeInCallSecs: 1 },
      {
        callSid: 'CA1',
        role: 'user',
        message: 'Hi, go a head.',
        timeInCallSecs: 65,
        tool_calls: [{ tool_name: 'lookup_order' }],
      },
      { callSid: 'CA2', role: 'agent', message: 'Not this call.', timeInCallSecs: 2 },
    ]);
    const started = await startWatchedServer(target, { token: 'tok' });
    server = started.server;
    const cap = captureIo();
    const exit = tailCommand.run(
      ['--url', started.url, '--token', 'tok', '--transcript', 'CA1'],
      cap.io,
    );
    await cap.waitForOut(/transcript CA1: 2 turns \(live; epoch \S+, seq 2\)\n/);
    expect(cap.out()).toMatch(/ {3}0:01 {2}Agent {3}Hello, Ava here\.\n/);
    expect(cap.out()).toMatch(/ {3}1:05 {2}Caller {2}Hi, go a head\. {2}\[tool: lookup_order\]\n/);
    await turns().updateOne({ timeInCallSecs: 65 }, { $set: { message: 'Hi, go ahead.' } });
    await cap.waitForOut(/1:05 {2}Caller {2}\(corrected\) Hi, go ahead\./);
    await turns().insertOne({
      callSid: 'CA1',
      role: 'agent',
      message: 'Thanks!',
      timeInCallSecs: 70,
    });
    await cap.waitForOut(/1:10 {2}Agent {3}Thanks!/);
    expect(cap.out()).not.toMatch(/Not this call/);
    cap.stop();
    expect(await exit).toBe(0);
  });

  it('prints JSON lines with --json', async () => {
    await turns().insertOne({ callSid: 'CA1', role: 'agent', message: 'Hi', timeInCallSecs: 0 });
    const started = await startWatchedServer(target);
    server = started.server;
    const cap = captureIo();
    const exit = tailCommand.run(['--url', started.url, '--transcript', 'CA1', '--json'], cap.io);
    await cap.waitForOut(/"type":"snapshot"/);
    const line = JSON.parse(cap.out().split('\n')[0]!);
    expect(line).toMatchObject({ type: 'snapshot', callSid: 'CA1', source: 'live' });
    expect(line.turns.map((t: { message: string }) => t.message)).toEqual(['Hi']);
    cap.stop();
    expect(await exit).toBe(0);
  });

  it('refuses a call key that is not one, and says so when the server cannot be reached', async () => {
    const cap = captureIo();
    await expect(tailCommand.run(['--transcript', '../x'], cap.io)).rejects.toThrow(UsageError);
    const code = await tailCommand.run(
      ['--url', 'http://127.0.0.1:9', '--transcript', 'CA1'],
      cap.io,
    );
    expect(code).toBe(1);
    expect(cap.err()).toMatch(/cannot connect to http:\/\/127\.0\.0\.1:9/);
  });
});
