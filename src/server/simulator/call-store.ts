import type { AnyBulkWriteOperation, Db, Document } from 'mongodb';
import type { SimTurn } from './transcript-turns';

/**
 * A call as the simulator inserts it (the fields seen in the wild, ARCHITECTURE.md). Updates
 * add `AnsweredBy` when it is answered and, after it ended, the post-call analysis at
 * ElevenLabs' paths (`analysis`, `metadata.*`; ./post-call).
 */
export interface SimCall {
  callSid: string;
  status: string;
  to: string;
  from: string;
  contactName: string;
  campaignId: string;
  agentId: string | null;
  startTime: Date;
  endTime: Date | null;
  duration: number | null;
  updatedAt: Date;
}

export interface SimCampaign {
  campaignId: string;
  name: string;
  status: string;
  totalCalls: number;
  completedCalls: number;
  failedCalls: number;
  inProgressCalls: number;
  answeredCalls: number;
  noAnswerCalls: number;
  busyCalls: number;
  canceledCalls: number;
  startedAt: Date;
  completedAt: Date | null;
  updatedAt: Date;
}

export type StoreOp =
  | { kind: 'insertCall'; call: SimCall }
  | { kind: 'updateCall'; callSid: string; set: Partial<SimCall> }
  | { kind: 'insertCampaign'; campaign: SimCampaign }
  | {
      kind: 'updateCampaign';
      campaignId: string;
      inc?: Partial<Record<keyof SimCampaign, number>>;
      set?: Partial<SimCampaign>;
    }
  | { kind: 'insertTurn'; turn: SimTurn }
  | { kind: 'updateTurn'; id: string; set: Partial<SimTurn> };

/** Where the simulator writes: MongoDB in the demo and tests; anything in unit tests. */
export interface CallStore {
  /** Applies the operations (in order per document); resolves when they are stored. */
  write(ops: readonly StoreOp[]): Promise<void>;
}

/** Writes with one unordered bulkWrite per collection and batch. */
export function mongoCallStore(
  db: Db,
  collections: { calls?: string; campaigns?: string; transcripts?: string } = {},
): CallStore {
  const calls = db.collection(collections.calls ?? 'calls');
  const campaigns = db.collection(collections.campaigns ?? 'campaigns');
  const transcripts = db.collection<SimTurn>(collections.transcripts ?? 'transcripts');
  return {
    async write(ops) {
      const callOps: AnyBulkWriteOperation<Document>[] = [];
      const campaignOps: AnyBulkWriteOperation<Document>[] = [];
      const turnOps: AnyBulkWriteOperation<SimTurn>[] = [];
      for (const op of ops) {
        switch (op.kind) {
          case 'insertCall':
            callOps.push({ insertOne: { document: { ...op.call } } });
            break;
          case 'updateCall':
            callOps.push({
              updateOne: { filter: { callSid: op.callSid }, update: { $set: op.set } },
            });
            break;
          case 'insertCampaign':
            campaignOps.push({ insertOne: { document: { ...op.campaign } } });
            break;
          case 'updateCampaign': {
            const update: Document = {};
            if (op.inc) update.$inc = op.inc;
            if (op.set) update.$set = op.set;
            campaignOps.push({ updateOne: { filter: { campaignId: op.campaignId }, update } });
            break;
          }
          case 'insertTurn':
            turnOps.push({ insertOne: { document: { ...op.turn } } });
            break;
          case 'updateTurn':
            turnOps.push({ updateOne: { filter: { _id: op.id }, update: { $set: op.set } } });
            break;
        }
      }
      // Campaigns first, so a call never names a campaign that does not exist yet.
      if (campaignOps.length > 0) await campaigns.bulkWrite(campaignOps, { ordered: true });
      if (callOps.length > 0) await calls.bulkWrite(callOps, { ordered: true });
      if (turnOps.length > 0) await transcripts.bulkWrite(turnOps, { ordered: true });
    },
  };
}
