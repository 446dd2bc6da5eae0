import type { CallStatus } from '../domain/lifecycle';
import type { Call, Campaign } from '../domain/schemas';
import { applyFeedMessage, initialFeedState } from './reducer';
import type { FeedMessage, FeedOptions, FeedState, FeedTransition } from './types';

/** Builders for reducer, KPI and alert tests (test-only; not imported by app code). */

export function call(callSid: string, status: CallStatus, extra: Partial<Call> = {}): Call {
  return { callSid, status, ...extra } as Call;
}

export function campaign(
  campaignId: string,
  status: string,
  extra: Partial<Campaign> = {},
): Campaign {
  return { campaignId, status, ...extra } as Campaign;
}

export function callsBatch(
  calls: Call[],
  at: number,
  extra: Partial<Extract<FeedMessage, { kind: 'batch'; stream: 'calls' }>> = {},
): FeedMessage {
  return { kind: 'batch', stream: 'calls', calls, removed: [], at, ...extra };
}

export function campaignsBatch(
  campaigns: Campaign[],
  at: number,
  extra: Partial<Extract<FeedMessage, { kind: 'batch'; stream: 'campaigns' }>> = {},
): FeedMessage {
  return { kind: 'batch', stream: 'campaigns', campaigns, removed: [], at, ...extra };
}

export function callsSnapshot(
  calls: Call[],
  at: number,
  extra: { epoch?: string; seq?: number } = {},
): FeedMessage {
  return { kind: 'snapshot', stream: 'calls', calls, at, ...extra };
}

export function campaignsSnapshot(
  campaigns: Campaign[],
  at: number,
  extra: { epoch?: string; seq?: number } = {},
): FeedMessage {
  return { kind: 'snapshot', stream: 'campaigns', campaigns, at, ...extra };
}

/** Applies messages in order; returns the last transition. */
export function applyAll(
  messages: readonly FeedMessage[],
  options: FeedOptions = { terminalLingerMs: 5_000 },
  start: FeedState = initialFeedState(),
): FeedTransition {
  let transition: FeedTransition = {
    state: start,
    changes: {
      callsUpserted: [],
      callsRemoved: [],
      campaignsUpserted: [],
      campaignsRemoved: [],
      reset: [],
    },
  };
  for (const message of messages) transition = applyFeedMessage(transition.state, message, options);
  return transition;
}
