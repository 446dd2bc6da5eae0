import type { TranscriptCursor } from '../../shared/feed/transcript-state';
import type {
  TranscriptSnapshotPayload,
  TranscriptTurnsPayload,
} from '../../shared/protocol/transcript';
import type { TranscriptPort } from '../feed/transcript-port';

/**
 * Embedded mode's transcripts: the server side's in-process transcript store (the one its
 * gateway serves from) emits the same payloads as the wire, so the port is this adapter. The
 * payloads come from our own server code, already checked against the database mapping; a
 * store that throws (a bad key, too many open) becomes an `error` event.
 */
export interface TranscriptStoreApi {
  subscribe(
    callSid: string,
    since: TranscriptCursor | undefined,
    listener: (payload: TranscriptSnapshotPayload | TranscriptTurnsPayload) => void,
  ): () => void;
}

export function createStoreTranscriptPort(store: TranscriptStoreApi): TranscriptPort {
  return {
    subscribe(callSid, since, listener) {
      let open = true;
      try {
        const off = store.subscribe(callSid, since, (payload) => {
          if (!open) return;
          if ('fromSeq' in payload) listener({ type: 'turns', payload });
          else listener({ type: 'snapshot', payload });
        });
        if (open) listener({ type: 'subscribed' });
        return () => {
          open = false;
          off();
        };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        queueMicrotask(() => listener({ type: 'error', message }));
        return () => {
          open = false;
        };
      }
    },
  };
}
