import { WebSocket } from 'ws';
import { isTerminalCallStatus } from '../lib/trace';
import { countTraffic, type ClientFactory } from './types';

type Doc = Record<string, unknown>;

/** Raw `ws` client: JSON.parse per message, Maps keyed by callSid / campaignId. */
export const createCeilingClient: ClientFactory = ({ url, tracker, now, onProblem }) => {
  const traffic = { messages: 0, bytes: 0 };
  const calls = new Map<string, Doc>();
  const campaigns = new Map<string, Doc>();
  const ws = new WebSocket(url);
  let resolveReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));
  countTraffic(ws, traffic);
  ws.on('error', (error) => onProblem(`ceiling client: ${error.message}`));
  let closing = false;
  ws.on('close', (code) => {
    if (!closing) onProblem(`ceiling client closed by the server or network (code ${code})`);
  });
  ws.on('message', (data) => {
    const message = JSON.parse(String(data)) as {
      type: string;
      call?: Doc;
      campaign?: Doc;
      calls?: Doc[];
      campaigns?: Doc[];
    };
    if (message.type === 'snapshot') {
      for (const c of message.calls ?? []) calls.set(String(c.callSid), c);
      for (const c of message.campaigns ?? []) campaigns.set(String(c.campaignId), c);
      resolveReady();
    } else if (message.type === 'call' && message.call) {
      const key = String(message.call.callSid);
      if (isTerminalCallStatus(message.call.status)) {
        calls.delete(key);
        tracker.observeRemoval(key, now());
      } else {
        calls.set(key, message.call);
        tracker.observe(key, Number(message.call.benchSeq), now());
      }
    } else if (message.type === 'campaign' && message.campaign) {
      const key = String(message.campaign.campaignId);
      campaigns.set(key, message.campaign);
      tracker.observe(key, Number(message.campaign.benchSeq), now());
    }
  });
  return {
    ready,
    traffic,
    finalState: () => {
      const state = new Map<string, number>();
      for (const [key, c] of calls) state.set(key, Number(c.benchSeq));
      for (const [key, c] of campaigns) state.set(key, Number(c.benchSeq));
      return state;
    },
    close: async () => {
      if (ws.readyState === WebSocket.CLOSED) return;
      closing = true;
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close();
      });
    },
  };
};
