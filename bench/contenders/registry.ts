import { startBaselineServer } from './baseline-server';
import { createBaselineClient } from './baseline-client';
import { startCeilingServer } from './ceiling-server';
import { createCeilingClient } from './ceiling-client';
import { createChangeStreamClient } from './change-stream-client';
import { createCallboardClient } from './callboard-client';
import { startCallboardServer, startHubDirectServer } from './callboard-server';
import { createLightSocketClient } from './light-client';
import type { BenchServer, ClientFactory, ServerConfig } from './types';

/**
 * The contenders. `emulator` has no server: its clients are change streams on the database
 * itself, which gives the database's own ceiling.
 */
export const CONTENDERS = ['baseline', 'callboard', 'ceiling', 'emulator', 'hub-direct'] as const;
export type ContenderName = (typeof CONTENDERS)[number];

export function isContender(name: string): name is ContenderName {
  return (CONTENDERS as readonly string[]).includes(name);
}

export const SERVERS: Partial<
  Record<ContenderName, (config: ServerConfig) => Promise<BenchServer>>
> = {
  baseline: startBaselineServer,
  ceiling: startCeilingServer,
  callboard: startCallboardServer,
  'hub-direct': startHubDirectServer,
};

export const CLIENTS: Partial<Record<ContenderName, ClientFactory>> = {
  baseline: createBaselineClient,
  ceiling: createCeilingClient,
  emulator: createChangeStreamClient,
  callboard: createCallboardClient,
  'hub-direct': createCallboardClient,
};

/** Light clients: same connection and payloads, key -> benchSeq state (see light-client.ts). */
export const LIGHT_CLIENTS: Partial<Record<ContenderName, ClientFactory>> = {
  baseline: createLightSocketClient(false),
  callboard: createLightSocketClient(true),
  'hub-direct': createLightSocketClient(true),
  ceiling: createCeilingClient,
  emulator: createChangeStreamClient,
};
