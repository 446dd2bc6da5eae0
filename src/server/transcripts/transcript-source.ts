import type { Db, Document } from 'mongodb';
import { DEFAULT_CALL_FIELDS, DEFAULT_TRANSCRIPT_FIELDS } from '../../shared/domain/field-mapping';
import { toJsonDocument } from '../json-safe';
import type { WatchTarget } from '../watch-stream';
import type { TranscriptReader, TranscriptStore } from './transcript-store';

/**
 * How the transcript store meets MongoDB: the reads on subscribe (by the
 * `{ <call key>: 1, timeInCallSecs: 1 }` index, docs/operations.md, "Indexes") and the
 * transcripts collection's change stream (a WatchStream target, resumable like the others).
 */

/** The time field the reads sort by (the first spelling of the mapping). */
const TIME_FIELD = DEFAULT_TRANSCRIPT_FIELDS.timeInCallSecs![0]!;

/** Equality on any of the key's spellings (one clause, and one index, per spelling). */
function keyFilter(paths: readonly string[], value: string): Document {
  return paths.length === 1
    ? { [paths[0]!]: value }
    : { $or: paths.map((path) => ({ [path]: value })) };
}

export interface TranscriptCollections {
  transcripts: string;
  calls: string;
}

/** Reads through `db()`, which is null while the watcher is not connected. */
export function mongoTranscriptReader(
  db: () => Db | null,
  collections: TranscriptCollections,
  keyPaths: readonly string[],
): TranscriptReader {
  const connected = (): Db => {
    const d = db();
    if (!d) throw new Error('not connected to MongoDB');
    return d;
  };
  return {
    async readTurns(callSid, limit) {
      const coll = connected().collection(collections.transcripts);
      const filter = keyFilter(keyPaths, callSid);
      // Newest first so the cap keeps the latest turns; the store orders them again.
      const raw = await coll
        .find(filter)
        .sort({ [TIME_FIELD]: -1 })
        .limit(limit)
        .toArray();
      const total = raw.length < limit ? raw.length : await coll.countDocuments(filter);
      return { docs: raw.map((d) => toJsonDocument(d)), total };
    },
    async readCall(callSid) {
      const doc = await connected()
        .collection(collections.calls)
        .findOne(keyFilter(DEFAULT_CALL_FIELDS.callSid!, callSid));
      return doc ? toJsonDocument(doc) : null;
    },
  };
}

/**
 * The transcripts change stream's target. Nothing is read at start (only watched calls are
 * held); after lost history every held call is read again. Every event is applied: the store
 * applies a turn it already holds as a no-op, so no reconciliation with a snapshot is needed.
 */
export function transcriptTarget(store: TranscriptStore, keyPaths: readonly string[]): WatchTarget {
  return {
    indexes: keyPaths.map((key) => ({
      fields: [key, TIME_FIELD],
      without: 'every transcript a supervisor opens reads the whole collection',
    })),
    load: async (_coll, _session, mode, reason) => {
      if (mode === 'reset') store.resync(reason);
      return 0; // the held calls are read by the store, each on its own
    },
    covered: () => null,
    ingest: (change) => store.ingest(change),
  };
}
