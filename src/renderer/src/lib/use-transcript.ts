import { useEffect, useState } from 'react';
import { applyTranscriptDelta } from '../../../shared/feed/transcript-state';
import type { CallboardApi } from '../../../shared/ipc';
import type { TranscriptDelta, TranscriptView } from '../../../shared/monitor';

/** The open call's transcript as the screen holds it; `failed` when it could not be opened. */
export type TranscriptLoad =
  | { state: 'loading' }
  | { state: 'ready'; view: TranscriptView }
  | { state: 'failed'; message: string };

/**
 * Opens `callSid`'s transcript while the component is mounted and closes it after (issue 15:
 * one operation to open, one to close). Listens before it opens, so deltas that arrive
 * before the answer are held and applied after it (as src/lib/sync.ts does for calls).
 */
export function useCallTranscript(api: CallboardApi, callSid: string): TranscriptLoad {
  const [load, setLoad] = useState<{ callSid: string; load: TranscriptLoad }>({
    callSid,
    load: { state: 'loading' },
  });

  useEffect(() => {
    let closed = false;
    let view: TranscriptView | null = null;
    const held: TranscriptDelta[] = [];
    const show = (next: TranscriptLoad) => {
      if (!closed) setLoad({ callSid, load: next });
    };
    const stop = api.onDidChangeTranscript((delta) => {
      if (closed || delta.callSid !== callSid) return;
      if (!view) {
        held.push(delta);
        return;
      }
      view = applyTranscriptDelta(view, delta);
      show({ state: 'ready', view });
    });
    void api.openTranscript(callSid).then(
      (result) => {
        if (closed) return;
        if (!result.ok) {
          show({ state: 'failed', message: result.message });
          return;
        }
        let opened = result.value;
        for (const delta of held.splice(0)) {
          if (delta.reset || delta.at >= opened.at) opened = applyTranscriptDelta(opened, delta);
        }
        view = opened;
        show({ state: 'ready', view });
      },
      (error: unknown) => show({ state: 'failed', message: String(error) }),
    );
    return () => {
      closed = true;
      stop();
      void api.closeTranscript(callSid).catch(() => undefined);
    };
  }, [api, callSid]);

  // A stale answer for the previous call is never shown for this one.
  return load.callSid === callSid ? load.load : { state: 'loading' };
}
