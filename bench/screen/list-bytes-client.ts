import { io } from 'socket.io-client';

/**
 * A plain Socket.IO client subscribed to the calls list stream with `{ v: 2 }`, as another
 * supervisor's client would be, counting the wire bytes of each list event. Whatever else the
 * server does (transcripts for the calls someone opened), this client must not pay for it.
 * It also notes when each marker `BM<n>X` first reached it, in any event (a transcript it
 * opened with `openTranscript`, or a call update): the server's share of a latency seen on
 * screen.
 */
export interface ListTraffic {
  /** Wire bytes of calls-list events (batches and single updates; snapshots apart). */
  updateBytes: number;
  /** Call documents those events carried. */
  updateDocs: number;
  /** The JSON bytes of those documents alone (the rest is the events' envelopes). */
  docBytes: number;
  /** List events (frames). */
  events: number;
  snapshotBytes: number;
  /** List frames whose text holds the leak needle (a transcript marker in the list). */
  leaks: number;
}

export interface ListBytesClient {
  traffic: ListTraffic;
  /** Marker number -> Date.now() when a frame holding it arrived first. */
  arrivals: Map<number, number>;
  ready: Promise<void>;
  openTranscript(callSid: string): Promise<void>;
  reset(): void;
  close(): void;
}

const LIST_UPDATES = new Set(['calls_batch_update', 'call_update', 'call_removed']);
const LIST_SNAPSHOTS = new Set(['active_calls']);

/** The event name of a Socket.IO event frame (`42["name",...]`, `42<ack id>[...]`), or null. */
export function socketIoEventName(frame: string): string | null {
  const match = /^42(?:\/[^,]*,)?\d*\["([^"]+)"/.exec(frame);
  return match?.[1] ?? null;
}

export function startListBytesClient(
  url: string,
  token: string,
  leakNeedle: string,
): ListBytesClient {
  const traffic: ListTraffic = {
    updateBytes: 0,
    updateDocs: 0,
    docBytes: 0,
    events: 0,
    snapshotBytes: 0,
    leaks: 0,
  };
  const arrivals = new Map<number, number>();
  const socket = io(url, {
    auth: { token },
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
  });
  let resolveReady: () => void = () => undefined;
  let rejectReady: (error: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  socket.on('connect', () => {
    const ws = (
      socket.io.engine.transport as unknown as {
        ws?: { on(event: 'message', listener: (data: unknown) => void): void };
      }
    ).ws;
    if (!ws) {
      rejectReady(new Error('list client: no WebSocket under the Socket.IO transport'));
      return;
    }
    ws.on('message', (data) => {
      const at = Date.now();
      const text = typeof data === 'string' ? data : String(data);
      for (const match of text.matchAll(/BM(\d+)X/g)) {
        const n = Number(match[1]);
        if (!arrivals.has(n)) arrivals.set(n, at);
      }
      const event = socketIoEventName(text);
      if (event === null) return;
      const bytes = Buffer.byteLength(text);
      if (LIST_SNAPSHOTS.has(event)) traffic.snapshotBytes += bytes;
      else if (!LIST_UPDATES.has(event)) return;
      else {
        traffic.updateBytes += bytes;
        traffic.events++;
        const payload = (JSON.parse(text.slice(text.indexOf('['))) as unknown[])[1] as {
          calls?: unknown[];
          call?: unknown;
        };
        const docs = payload.calls ?? (payload.call ? [payload.call] : []);
        traffic.updateDocs += docs.length;
        for (const doc of docs) traffic.docBytes += Buffer.byteLength(JSON.stringify(doc));
      }
      if (text.includes(leakNeedle)) traffic.leaks++;
    });
    socket.emit('subscribe:calls', { v: 2 }, (ack: { ok: boolean; error?: string }) => {
      if (ack.ok) resolveReady();
      else rejectReady(new Error(`list client: subscribe:calls refused: ${ack.error ?? ''}`));
    });
  });
  socket.on('connect_error', (error) => rejectReady(new Error(`list client: ${error.message}`)));
  return {
    traffic,
    arrivals,
    ready,
    openTranscript: (callSid) =>
      new Promise((resolve, reject) => {
        socket.emit(
          'subscribe:transcript',
          { v: 2, callSid },
          (ack: { ok: boolean; error?: string }) => {
            if (ack.ok) resolve();
            else reject(new Error(`list client: subscribe:transcript refused: ${ack.error ?? ''}`));
          },
        );
      }),
    reset: () => {
      for (const key of Object.keys(traffic) as (keyof ListTraffic)[]) traffic[key] = 0;
    },
    close: () => void socket.disconnect(),
  };
}
