import type { TestDatabase } from '../../src/emulator/test-target';
import { createRealtimeServer, type RealtimeServer } from '../../src/server/realtime-server';
import { Watcher } from '../../src/server/watcher';
import { silentLogger } from '../../src/shared/log';

/** What `callboard serve` runs (watcher, hub, gateway, the built dashboard) on a test database. */
export function serveDashboard(target: TestDatabase, token: string, port = 0): RealtimeServer {
  return createRealtimeServer({
    logger: silentLogger,
    port,
    token,
    staticDir: 'out/renderer',
    source: (hub) =>
      new Watcher({ hub, uri: target.uri, dbName: target.dbName, logger: silentLogger }),
  });
}
