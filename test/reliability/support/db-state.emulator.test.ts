import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../../src/emulator/test-target';
import { applyFeedMessage, initialFeedState } from '../../../src/shared/feed/reducer';
import type { Call } from '../../../src/shared/domain/schemas';
import { clientView, compareStates, lostKeys, readDbState, waitForConvergence } from './db-state';

let target: TestDatabase;
beforeEach(async () => {
  target = await openTestDatabase({ prefix: 'dbstate' });
});
afterEach(() => target.close());

function stateWith(calls: Partial<Call>[]) {
  return applyFeedMessage(initialFeedState(), {
    kind: 'snapshot',
    stream: 'calls',
    calls: calls as Call[],
    at: 0,
  }).state;
}

describe('the field-by-field comparison every fault test ends with', () => {
  it('finds a stale field, a missing call and a call the database no longer has active', async () => {
    const db = target.client.db(target.dbName);
    const start = new Date('2026-01-01T10:00:00Z');
    await db.collection('calls').insertMany([
      { callSid: 'A', status: 'ringing', to: '+1555', startTime: start },
      { callSid: 'B', status: 'queued' },
      { callSid: 'C', status: 'completed' },
    ]);
    const truth = await readDbState(db);
    expect([...truth.calls.keys()].sort()).toEqual(['A', 'B']);
    const id = String(truth.calls.get('A')!._id);
    const matching = stateWith([
      { _id: id, callSid: 'A', status: 'ringing', to: '+1555', startTime: start.toISOString() },
      { _id: String(truth.calls.get('B')!._id), callSid: 'B', status: 'queued' },
    ] as Partial<Call>[]);
    expect(compareStates(truth, clientView(matching))).toEqual([]);

    const stale = stateWith([
      { _id: id, callSid: 'A', status: 'queued', to: '+1555', startTime: start.toISOString() },
      { callSid: 'C', status: 'ringing' },
    ] as Partial<Call>[]);
    const mismatches = compareStates(truth, clientView(stale), 'x');
    expect(mismatches).toEqual([
      'x: calls/A.status is "queued", MongoDB has "ringing"',
      'x: calls/B is active in MongoDB but missing',
      'x: calls/C is shown but not active in MongoDB',
    ]);
    expect(lostKeys(mismatches)).toBe(3);
    const result = await waitForConvergence(db, [{ name: 'x', state: () => stale }], 100);
    expect(result.converged).toBe(false);
  });
});
