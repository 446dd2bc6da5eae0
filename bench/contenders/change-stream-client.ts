import { MongoClient, type ChangeStream, type Document } from 'mongodb';
import { isTerminalCallStatus } from '../lib/trace';
import { ACTIVE_CALL_STATUSES, changeStreamOpened, type ClientFactory } from './types';

/**
 * The database's own ceiling: a client that is a change stream (one per collection, with
 * `fullDocument: 'updateLookup'`, as the baseline and ceiling servers open) straight on the
 * database, no server in between. `url` is `mongodb://...#dbName`.
 */
export const createChangeStreamClient: ClientFactory = ({ url, tracker, now, onProblem }) => {
  const [uri, dbName = 'bench'] = url.split('#') as [string, string?];
  const traffic = { messages: 0, bytes: 0 };
  const mongo = new MongoClient(uri);
  const calls = new Map<string, Document>();
  const campaigns = new Map<string, Document>();
  const streams: ChangeStream[] = [];
  const ready = (async () => {
    await mongo.connect();
    const db = mongo.db(dbName);
    const callStream = db.collection('calls').watch([], { fullDocument: 'updateLookup' });
    const campaignStream = db.collection('campaigns').watch([], { fullDocument: 'updateLookup' });
    streams.push(callStream, campaignStream);
    callStream.on('change', (change: Document) => {
      const call = change.fullDocument as Document | undefined;
      if (!call) return;
      traffic.messages++;
      const key = String(call.callSid);
      if (isTerminalCallStatus(call.status)) {
        calls.delete(key);
        tracker.observeRemoval(key, now());
      } else {
        calls.set(key, call);
        tracker.observe(key, Number(call.benchSeq), now());
      }
    });
    campaignStream.on('change', (change: Document) => {
      const campaign = change.fullDocument as Document | undefined;
      if (!campaign) return;
      traffic.messages++;
      const key = String(campaign.campaignId);
      campaigns.set(key, campaign);
      tracker.observe(key, Number(campaign.benchSeq), now());
    });
    for (const s of streams) s.on('error', (e) => onProblem(`change stream: ${e.message}`));
    // Opened before the snapshot is read, so nothing written in between is missed.
    await Promise.all(streams.map((s) => changeStreamOpened(s)));
    for (const c of await db
      .collection('calls')
      .find({ status: { $in: ACTIVE_CALL_STATUSES } })
      .toArray()) {
      calls.set(String(c.callSid), c);
    }
    for (const c of await db.collection('campaigns').find({}).toArray()) {
      campaigns.set(String(c.campaignId), c);
    }
  })();
  return {
    ready,
    traffic,
    finalState: () => {
      const state = new Map<string, number>();
      for (const [key, c] of calls) state.set(key, Number(c.benchSeq));
      for (const [key, c] of campaigns) state.set(key, Number(c.benchSeq));
      return state;
    },
    close: async () => {
      await Promise.all(streams.map((s) => s.close().catch(() => undefined)));
      await mongo.close();
    },
  };
};
