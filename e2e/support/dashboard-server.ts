import type { TestDatabase } from '../../src/emulator/test-target';
import type { TokenRegistry } from '../../src/server/auth/token-registry';
import { createRealtimeServer, type RealtimeServer } from '../../src/server/realtime-server';
import { Watcher } from '../../src/server/watcher';
import { silentLogger } from '../../src/shared/log';

/**
 * What `callboard serve` runs (watcher, hub, gateway, the built dashboard) on a test database,
 * with the single `--token` (a string) or named tokens with scopes (`--tokens FILE`).
 */
export function serveDashboard(
  target: TestDatabase,
  auth: string | TokenRegistry,
  port = 0,
): RealtimeServer {
  return createRealtimeServer({
    logger: silentLogger,
    port,
    ...(typeof auth === 'string' ? { token: auth } : { tokens: auth }),
    staticDir: 'out/renderer',
    source: (hub) =>
      new Watcher({ hub, uri: target.uri, dbName: target.dbName, logger: silentLogger }),
  });
}
