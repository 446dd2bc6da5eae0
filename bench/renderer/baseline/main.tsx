import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';

/**
 * The renderer most teams write first, for the benchmark: the calls live in one React state
 * array, replaced on every `call_update` (findIndex + copy), and the table renders every row
 * (no virtualisation, no memoised rows). Fed by window.benchFeed (bench/renderer/driver.ts).
 */
interface Call {
  callSid: string;
  status: string;
  to?: string;
  contactName?: string;
  agentId?: string;
  campaignId?: string;
  duration?: number;
  startTime?: string;
}

interface BenchFeed {
  snapshot(): Call[];
  onCallUpdate(listener: (payload: { call: Call }) => void): () => void;
}

function App({ feed }: { feed: BenchFeed }) {
  const [calls, setCalls] = useState<Call[]>(() => feed.snapshot());
  useEffect(
    () =>
      feed.onCallUpdate(({ call }) => {
        setCalls((previous) => {
          const index = previous.findIndex((c) => c.callSid === call.callSid);
          const next = [...previous];
          if (index === -1) next.push(call);
          else next[index] = call;
          return next;
        });
      }),
    [feed],
  );
  return (
    <main>
      <h1>Active calls ({calls.length})</h1>
      <table>
        <thead>
          <tr>
            <th>Call</th>
            <th>Status</th>
            <th>Contact</th>
            <th>To</th>
            <th>Agent</th>
            <th>Campaign</th>
            <th>Duration</th>
            <th>Started</th>
          </tr>
        </thead>
        <tbody>
          {calls.map((call) => (
            <tr key={call.callSid}>
              <td>{call.callSid}</td>
              <td className={`status-${call.status}`}>{call.status}</td>
              <td>{call.contactName}</td>
              <td>{call.to}</td>
              <td>{call.agentId}</td>
              <td>{call.campaignId}</td>
              <td>{call.duration}s</td>
              <td>{call.startTime ? new Date(call.startTime).toLocaleTimeString() : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}

const feed = (window as unknown as { benchFeed?: BenchFeed }).benchFeed;
const root = document.getElementById('root');
if (!feed || !root) throw new Error('the benchmark driver did not install window.benchFeed');
createRoot(root).render(<App feed={feed} />);
