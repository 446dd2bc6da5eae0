import { viewName } from '../shared/privacy/redact';
import { ROOMS, type AnyStreamName } from '../shared/protocol/events';
import type { HubEvent } from './hub-types';
import type { ClientMode, Emission } from './protocol-output';
import type { GatewayServer, GatewaySocket } from './gateway-types';

/**
 * The room of the subscribers of one stream in one client mode: everything in it receives
 * the same events. Seed subscribers are in the seed rooms `calls_room` / `campaigns_room`
 * (docs/protocol.md); v2 clients get rooms of their own, one per delivery shape.
 */
export function roomFor(stream: AnyStreamName, mode: ClientMode): string {
  return `${shapeRoom(stream, mode)}${viewSuffix(stream, mode)}`;
}

function shapeRoom(stream: AnyStreamName, mode: ClientMode): string {
  if (stream === 'recent') return 'recent_room:v2'; // v2 only, always batched
  if (!mode.v2) return ROOMS[stream];
  return `${ROOMS[stream]}:v2:${mode.batch ? 'batch' : 'per-key'}`;
}

/**
 * Clients whose scopes withhold part of a call get a room per view (the full view keeps the
 * seed names): a broadcast is encoded once per room, so one view never reaches another.
 * Campaigns hold nothing a scope withholds: one room whatever the view.
 */
function viewSuffix(stream: AnyStreamName, mode: ClientMode): string {
  if (stream === 'campaigns' || !mode.view) return '';
  const name = viewName(mode.view);
  return name === '' ? '' : `:${name}`;
}

type RoomBroadcast = ReturnType<GatewayServer['to']>;

/** One socket, or a room broadcast: both emit with the protocol's typed event map. */
export type EmissionTarget = Pick<GatewaySocket, 'emit'> | Pick<RoomBroadcast, 'emit'>;

/** Emits one emission with its own event's payload type (a union cannot be emitted as is). */
export function emitTo(target: EmissionTarget, emission: Emission): void {
  switch (emission.event) {
    case 'active_calls':
      target.emit(emission.event, emission.payload);
      return;
    case 'active_campaigns':
      target.emit(emission.event, emission.payload);
      return;
    case 'call_update':
      target.emit(emission.event, emission.payload);
      return;
    case 'campaign_update':
      target.emit(emission.event, emission.payload);
      return;
    case 'calls_batch_update':
      target.emit(emission.event, emission.payload);
      return;
    case 'campaigns_batch_update':
      target.emit(emission.event, emission.payload);
      return;
    case 'call_removed':
      target.emit(emission.event, emission.payload);
      return;
    case 'campaign_removed':
      target.emit(emission.event, emission.payload);
      return;
    case 'resync':
      target.emit(emission.event, emission.payload);
      return;
    case 'recent_calls':
      target.emit(emission.event, emission.payload);
      return;
    case 'recent_calls_batch_update':
      target.emit(emission.event, emission.payload);
      return;
    default:
      emission satisfies never;
  }
}

/**
 * Sends each live change set of the Hub (a flush's `changes`, not a replay) once per room,
 * with `io.local.to(room).except(...)`: the adapter encodes it once for every socket in it.
 *
 * The Hub hands a flush to its subscribers one by one, skipping those it holds back (a full
 * send queue; `SubscriberBackpressure`); it alone decides who gets what. So the broadcast
 * waits until the Hub is done with that event, then goes to the room minus the sockets the
 * Hub did not hand it to (they catch up from the replay ring, or resync, when they drain).
 * It goes out before anything else is written to a socket (`flush`, which every per-socket
 * emission calls first) and at the latest at the end of the current job (a microtask), so a
 * client sees events in the Hub's order.
 *
 * `local`: each server process has its own Hub, epoch and seqs, so a broadcast must never
 * reach another process's clients, whatever adapter is installed.
 */
export interface LiveBroadcast {
  join(socket: GatewaySocket, room: string): void;
  leave(socket: GatewaySocket, room: string): void;
  /**
   * The Hub handed `event` to `socketId`'s subscription in `room`; `build` makes the room's
   * emissions, called once per event and room, now (so they show the state of this flush).
   */
  deliver(socketId: string, room: string, event: HubEvent, build: () => Emission[]): void;
  /** Sends the pending broadcast, if any. */
  flush(): void;
}

interface PendingRoom {
  emissions: Emission[];
  recipients: Set<string>;
}

/** `onError`: a broadcast sent at the end of a job threw (there is no caller to throw to). */
export function createLiveBroadcast(
  io: GatewayServer,
  onError: (error: unknown) => void,
): LiveBroadcast {
  /** Socket ids per room: this process's members, to find whom the Hub skipped. */
  const members = new Map<string, Set<string>>();
  let pending: { event: HubEvent; rooms: Map<string, PendingRoom> } | null = null;

  const flush = () => {
    const batch = pending;
    pending = null;
    if (!batch) return;
    for (const [room, { emissions, recipients }] of batch.rooms) {
      const inRoom = members.get(room);
      if (!inRoom) continue;
      // Recipients are members (joined before subscribing, dropped on leave): equal sizes, no one skipped.
      const skipped =
        inRoom.size === recipients.size ? [] : [...inRoom].filter((id) => !recipients.has(id));
      const target = skipped.length > 0 ? io.local.to(room).except(skipped) : io.local.to(room);
      for (const emission of emissions) emitTo(target, emission);
    }
  };

  return {
    join(socket, room) {
      let set = members.get(room);
      if (!set) members.set(room, (set = new Set()));
      set.add(socket.id);
      void socket.join(room);
    },
    leave(socket, room) {
      const set = members.get(room);
      set?.delete(socket.id);
      if (set?.size === 0) members.delete(room);
      pending?.rooms.get(room)?.recipients.delete(socket.id);
      void socket.leave(room);
    },
    deliver(socketId, room, event, build) {
      // A different event: the Hub is done with the pending one (it delivers one at a time).
      if (pending && pending.event !== event) flush();
      if (!pending) {
        pending = { event, rooms: new Map() };
        queueMicrotask(() => {
          try {
            flush();
          } catch (error) {
            onError(error);
          }
        });
      }
      let target = pending.rooms.get(room);
      if (!target) {
        target = { emissions: build(), recipients: new Set() };
        pending.rooms.set(room, target);
      }
      target.recipients.add(socketId);
    },
    flush,
  };
}
