import { ObjectId, Timestamp, type ChangeStreamDocument } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { coveredBySnapshot, isHistoryLost, timestampValue, toHubChange } from './watch-stream';
import { createStreamRules } from './stream-rules';

const RULES = createStreamRules();

const id = new ObjectId();
const ns = { db: 'd', coll: 'calls' };
const at = (t: number) => new Timestamp({ t, i: 1 });
const event = (e: Record<string, unknown>) =>
  ({
    _id: { _data: '00' },
    ns,
    documentKey: { _id: id },
    clusterTime: at(10),
    ...e,
  }) as unknown as ChangeStreamDocument;

describe('toHubChange', () => {
  it('takes the looked-up document of inserts, updates and replaces, JSON-safe', () => {
    for (const operationType of ['insert', 'update', 'replace']) {
      const change = toHubChange(
        event({
          operationType,
          fullDocument: { _id: id, callSid: 'A', status: 'ringing', at: new Date(0) },
        }),
      );
      expect(change).toEqual({
        doc: {
          _id: id.toHexString(),
          callSid: 'A',
          status: 'ringing',
          at: '1970-01-01T00:00:00.000Z',
        },
      });
    }
  });

  it('turns a delete, and an update whose document is gone (lookup null), into a removal by _id', () => {
    expect(toHubChange(event({ operationType: 'delete' }))).toEqual({
      id: id.toHexString(),
      doc: null,
    });
    expect(toHubChange(event({ operationType: 'update', fullDocument: null }))).toEqual({
      id: id.toHexString(),
      doc: null,
    });
  });

  it('ignores operations the hub does not follow', () => {
    expect(toHubChange(event({ operationType: 'drop' }))).toBeNull();
  });
});

describe('coveredBySnapshot', () => {
  const snapshot = timestampValue(at(10))!;
  const active = { doc: { callSid: 'A', status: 'ringing' } };
  const ended = { doc: { callSid: 'A', status: 'failed' } };
  it('skips what the snapshot already holds, but keeps a call outcome from before it', () => {
    const before = event({ operationType: 'update', clusterTime: at(9) });
    expect(coveredBySnapshot(RULES.calls, before, active, snapshot)).toBe(true);
    expect(coveredBySnapshot(RULES.calls, before, { id: 'x', doc: null }, snapshot)).toBe(true);
    expect(coveredBySnapshot(RULES.calls, before, ended, snapshot)).toBe(false);
    // Campaigns can start again after ending: an old ended version must not win.
    const campaign = { doc: { campaignId: 'C', status: 'completed' } };
    expect(coveredBySnapshot(RULES.campaigns, before, campaign, snapshot)).toBe(true);
  });

  it('stops checking at the first event after the snapshot', () => {
    expect(
      coveredBySnapshot(RULES.calls, event({ clusterTime: at(11) }), active, snapshot),
    ).toBeNull();
    expect(
      coveredBySnapshot(RULES.calls, event({ clusterTime: undefined }), active, snapshot),
    ).toBeNull();
  });
});

describe('timestampValue and isHistoryLost', () => {
  it('orders timestamps by seconds then increment', () => {
    expect(
      timestampValue(new Timestamp({ t: 2, i: 0 }))! >
        timestampValue(new Timestamp({ t: 1, i: 99 }))!,
    ).toBe(true);
    expect(timestampValue(undefined)).toBeNull();
  });

  it('knows the history-lost errors', () => {
    expect(isHistoryLost({ code: 286 })).toBe(true);
    expect(isHistoryLost({ codeName: 'ChangeStreamHistoryLost' })).toBe(true);
    expect(isHistoryLost({ code: 6 })).toBe(false);
    expect(isHistoryLost(null)).toBe(false);
  });
});
