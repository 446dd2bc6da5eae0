import type { TranscriptStore } from '../../server/transcripts/transcript-store';
import type { TranscriptPort } from '../feed/transcript-port';

/**
 * Embedded mode's transcripts: the server side's in-process transcript store (the one its
 * gateway serves from) emits the same payloads as the wire, so the port is this adapter. The
 * payloads come from our own server code, already checked against the database mapping; a
 * store that refuses (a bad key, MongoDB unreadable) or is not there yet (the watcher has not
 * started) becomes an `error` event.
 */
export type TranscriptStoreApi = Pick<TranscriptStore, 'subscribe'>;

/** `store` is read at each subscribe: the watcher that owns it starts (and restarts) later. */
export function createStoreTranscriptPort(
  store: () => TranscriptStoreApi | undefined,
): TranscriptPort {
  return {
    subscribe(callSid, since, listener) {
      let open = true;
      let unsubscribe: (() => void) | null = null;
      const fail = (message: string) => {
        if (open) listener({ type: 'error', message });
      };
      const current = store();
      if (!current) {
        queueMicrotask(() =>
          fail('transcripts are not available yet: the database is not connected'),
        );
      } else {
        current
          .subscribe(callSid, since, (message) => {
            if (!open) return;
            if (message.event === 'transcript_turns')
              listener({ type: 'turns', payload: message.payload });
            else listener({ type: 'snapshot', payload: message.payload });
          })
          .then(
            (subscription) => {
              if (!open) return subscription();
              unsubscribe = subscription;
              listener({ type: 'subscribed' });
            },
            (error: unknown) => fail(error instanceof Error ? error.message : String(error)),
          );
      }
      return () => {
        open = false;
        unsubscribe?.();
      };
    },
  };
}
