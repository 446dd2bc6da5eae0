import type { TranscriptCursor, TranscriptPayload } from '../../shared/feed/transcript-state';

/**
 * What the monitor core needs to follow one call's transcript, whatever carries it: the
 * socket to a server (./remote-transcripts.ts) or the in-process transcript store of embedded
 * mode (../embedded/store-transcripts.ts). The core applies the payloads with the shared
 * reducer (src/shared/feed/transcript-state.ts) and subscribes again `since` its cursor when
 * the reducer finds a hole, after a reconnect, or after a bad payload.
 */
export type TranscriptPortEvent =
  | TranscriptPayload
  /** The source accepted the subscription (its snapshot or replay comes, or nothing was missed). */
  | { type: 'subscribed' }
  /** The connection dropped: what is held may be missing turns until `reconnected`. */
  | { type: 'disconnected'; reason: string }
  /** The connection is back: subscribe again `since` the held cursor. */
  | { type: 'reconnected' }
  /** A payload failed validation and was dropped: what is held may be missing it. */
  | { type: 'problem'; message: string }
  /**
   * The subscription is refused or cannot work here; nothing more will come. `forbidden`: the
   * token has no `transcripts` scope (src/shared/privacy/scopes.ts), so asking again is futile.
   */
  | { type: 'error'; message: string; forbidden?: true };

export interface TranscriptPort {
  /**
   * Opens `callSid`'s transcript: first a snapshot (or, with `since`, a replay of what came
   * after it when the source still can), then new turns and corrections. The disposer closes it.
   */
  subscribe(
    callSid: string,
    since: TranscriptCursor | undefined,
    listener: (event: TranscriptPortEvent) => void,
  ): () => void;
}

/** Said when a source has no transcripts (a seed-protocol server, an older Callboard). */
export const TRANSCRIPTS_UNAVAILABLE = 'transcripts need a server with transcripts';

/** Said when the token's scopes leave transcripts out (the screen words it for supervisors). */
export const TRANSCRIPTS_FORBIDDEN = 'this token may not read transcripts (no "transcripts" scope)';
