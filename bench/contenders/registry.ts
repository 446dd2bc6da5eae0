import { startBaselineServer } from './baseline-server';
import { createBaselineClient } from './baseline-client';
import { startCeilingServer } from './ceiling-server';
import { createCeilingClient } from './ceiling-client';
import { createChangeStreamClient } from './change-stream-client';
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
};

export const CLIENTS: Partial<Record<ContenderName, ClientFactory>> = {
  baseline: createBaselineClient,
  ceiling: createCeilingClient,
  emulator: createChangeStreamClient,
};
