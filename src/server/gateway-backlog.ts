import type { GatewaySocket } from './gateway-types';
import type { SubscriberBackpressure } from './hub-types';

/**
 * A socket's send queue, measured with Engine.IO's public Socket events: every packet is
 * announced by `packetCreate` before it is queued, and `drain` is emitted each time the
 * queue has been handed to the transport in full. While the transport is still writing
 * earlier packets (a client that does not read), packets wait, and the count grows.
 */
export function watchSendQueue(
  socket: GatewaySocket,
  maxQueued: number,
): SubscriberBackpressure & { dispose(): void } {
  const conn = socket.conn;
  let queued = 0;
  const onPacket = () => {
    queued += 1;
  };
  // Registered before any subscription's drain listener, so the queue reads empty when the
  // Hub catches the socket up.
  const onDrain = () => {
    queued = 0;
  };
  conn.on('packetCreate', onPacket);
  conn.on('drain', onDrain);
  return {
    isSaturated: () => queued >= maxQueued,
    onDrain: (listener) => {
      conn.once('drain', listener);
      return () => conn.off('drain', listener);
    },
    dispose: () => {
      conn.off('packetCreate', onPacket);
      conn.off('drain', onDrain);
    },
  };
}
