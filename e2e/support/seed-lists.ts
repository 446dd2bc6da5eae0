import type { Socket as ServerSocket } from 'socket.io';

/**
 * The list half of a contract server in the e2e specs: answers `subscribe:calls` and
 * `subscribe:campaigns` with the seed protocol's snapshots (`calls` read at each subscribe,
 * no campaigns), as an existing backend would.
 */
export function answerSeedLists(socket: ServerSocket, calls: () => unknown[]): void {
  const stamp = () => new Date().toISOString();
  socket.on('subscribe:calls', () => {
    const list = calls();
    socket.emit('active_calls', { calls: list, count: list.length, timestamp: stamp() });
  });
  socket.on('subscribe:campaigns', () =>
    socket.emit('active_campaigns', { campaigns: [], count: 0, timestamp: stamp() }),
  );
}
