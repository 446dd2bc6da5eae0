import { io } from 'socket.io-client';
import { isTerminalCallStatus } from '../lib/trace';
import { countTraffic, type BenchClient, type ClientFactory } from './types';

type Doc = Record<string, unknown> & { benchSeq?: number };

/**
 * The usual client: an array of calls and one of campaigns, updated per event with
 * findIndex + replace / push / splice (a terminal call leaves the list).
 */
export const createBaselineClient: ClientFactory = ({ url, tracker, now, onProblem }) => {
  const traffic = { messages: 0, bytes: 0 };
  let calls: Doc[] = [];
  let campaigns: Doc[] = [];
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
  let gotCalls = false;
  let gotCampaigns = false;
  let resolveReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));
  const checkReady = () => {
    if (gotCalls && gotCampaigns) resolveReady();
  };

  socket.on('connect', () => {
    const transport = socket.io.engine.transport as unknown as {
      ws?: Parameters<typeof countTraffic>[0];
    };
    if (transport.ws) countTraffic(transport.ws, traffic);
    socket.emit('subscribe:calls');
    socket.emit('subscribe:campaigns');
  });
  socket.on('connect_error', (error) => onProblem(`baseline client: ${error.message}`));
  socket.on('disconnect', (reason) => {
    if (reason !== 'io client disconnect') onProblem(`baseline client disconnected: ${reason}`);
  });
  socket.on('active_calls', (payload: { calls: Doc[] }) => {
    calls = payload.calls;
    gotCalls = true;
    checkReady();
  });
  socket.on('active_campaigns', (payload: { campaigns: Doc[] }) => {
    campaigns = payload.campaigns;
    gotCampaigns = true;
    checkReady();
  });
  socket.on('call_update', (payload: { call: Doc }) => {
    const call = payload.call;
    const index = calls.findIndex((c) => c.callSid === call.callSid);
    if (isTerminalCallStatus(call.status)) {
      if (index !== -1) calls.splice(index, 1);
      tracker.observeRemoval(String(call.callSid), now());
      return;
    }
    if (index !== -1) calls[index] = call;
    else calls.push(call);
    tracker.observe(String(call.callSid), Number(call.benchSeq), now());
  });
  socket.on('campaign_update', (payload: { campaign: Doc }) => {
    const campaign = payload.campaign;
    const index = campaigns.findIndex((c) => c.campaignId === campaign.campaignId);
    if (index !== -1) campaigns[index] = campaign;
    else campaigns.push(campaign);
    tracker.observe(String(campaign.campaignId), Number(campaign.benchSeq), now());
  });

  const client: BenchClient = {
    ready,
    traffic,
    finalState: () => {
      const state = new Map<string, number>();
      for (const c of calls) state.set(String(c.callSid), Number(c.benchSeq));
      for (const c of campaigns) state.set(String(c.campaignId), Number(c.benchSeq));
      return state;
    },
    close: async () => {
      socket.disconnect();
    },
  };
  return client;
};
