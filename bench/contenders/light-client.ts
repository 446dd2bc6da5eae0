import { io } from 'socket.io-client';
import { isTerminalCallStatus } from '../lib/trace';
import { countTraffic, type BenchClient, type ClientFactory } from './types';

type Doc = Record<string, unknown>;

/**
 * A light Socket.IO client for the many-clients part of a run. On two shared cores, 100+
 * clients each running a full client path would measure the clients' CPU, not the server's:
 * in production each supervisor's client runs on its own machine. A light client receives and
 * decodes exactly what a full client receives (same socket, same events, same JSON), but keeps
 * only key -> benchSeq. Each run also has a few full clients (the real client path) whose
 * latency is reported on its own.
 *
 * `v2`: subscribe with `{ v: 2, batch: true }` (Callboard) or as a seed client (baseline).
 */
export function createLightSocketClient(v2: boolean): ClientFactory {
  return ({ url, tracker, now, onProblem }): BenchClient => {
    const traffic = { messages: 0, bytes: 0 };
    const calls = new Map<string, number>();
    const campaigns = new Map<string, number>();
    const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
    let gotCalls = false;
    let gotCampaigns = false;
    let resolveReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (resolveReady = resolve));
    const options = v2 ? { v: 2, batch: true } : undefined;

    const upsertCall = (call: Doc, at: number) => {
      const key = String(call.callSid);
      if (isTerminalCallStatus(call.status)) {
        calls.delete(key);
        tracker.observeRemoval(key, at);
      } else {
        calls.set(key, Number(call.benchSeq));
        tracker.observe(key, Number(call.benchSeq), at);
      }
    };
    const upsertCampaign = (campaign: Doc, at: number) => {
      const key = String(campaign.campaignId);
      campaigns.set(key, Number(campaign.benchSeq));
      tracker.observe(key, Number(campaign.benchSeq), at);
    };

    socket.on('connect', () => {
      const transport = socket.io.engine.transport as unknown as {
        ws?: Parameters<typeof countTraffic>[0];
      };
      if (transport.ws) countTraffic(transport.ws, traffic);
      socket.emit('subscribe:calls', options);
      socket.emit('subscribe:campaigns', options);
    });
    socket.on('connect_error', (error) => onProblem(`light client: ${error.message}`));
    socket.on('disconnect', (reason) => {
      if (reason !== 'io client disconnect') onProblem(`light client disconnected: ${reason}`);
    });
    socket.onAny((event: string, payload: Doc) => {
      const at = now();
      switch (event) {
        case 'active_calls':
          calls.clear();
          for (const c of payload.calls as Doc[]) upsertCall(c, at);
          gotCalls = true;
          break;
        case 'active_campaigns':
          campaigns.clear();
          for (const c of payload.campaigns as Doc[]) upsertCampaign(c, at);
          gotCampaigns = true;
          break;
        case 'call_update':
          upsertCall(payload.call as Doc, at);
          break;
        case 'campaign_update':
          upsertCampaign(payload.campaign as Doc, at);
          break;
        case 'calls_batch_update':
          for (const c of payload.calls as Doc[]) upsertCall(c, at);
          for (const r of (payload.removed as { callSid: string }[] | undefined) ?? []) {
            calls.delete(r.callSid);
            tracker.observeRemoval(r.callSid, at);
          }
          break;
        case 'campaigns_batch_update':
          for (const c of payload.campaigns as Doc[]) upsertCampaign(c, at);
          for (const r of (payload.removed as { campaignId: string }[] | undefined) ?? []) {
            campaigns.delete(r.campaignId);
          }
          break;
        case 'call_removed':
          calls.delete(String(payload.callSid));
          tracker.observeRemoval(String(payload.callSid), at);
          break;
        case 'resync':
        case 'error':
          onProblem(`${event}: ${JSON.stringify(payload).slice(0, 200)}`);
          break;
      }
      if (gotCalls && gotCampaigns) resolveReady();
    });
    return {
      ready,
      traffic,
      finalState: () => new Map([...calls, ...campaigns]),
      close: async () => {
        socket.disconnect();
      },
    };
  };
}
