// A Socket.IO v4 client written against the wire format (Engine.IO v4 over a WebSocket), so a
// test can see the exact frames, and pause the client's reads like a client that stops reading.
import WebSocket from 'ws';

export interface RawClient {
  ws: WebSocket;
  /** Every EVENT frame received, as sent (`42[...]`). */
  frames: string[];
  /** The same, decoded. */
  events: [string, unknown][];
  /** Stops reading the TCP socket (the kernel buffers fill, the server's writes wait). */
  pause(): void;
  resume(): void;
}

/** Connects to "/", then sends `subscribe` (an EVENT frame body such as `["subscribe:calls"]`). */
export function rawClient(url: string, subscribe: string): RawClient {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
  const frames: string[] = [];
  const events: [string, unknown][] = [];
  ws.on('message', (data) => {
    const text = data.toString();
    if (text === '2')
      ws.send('3'); // ping -> pong
    else if (text.startsWith('0'))
      ws.send('40'); // engine open -> connect to "/"
    else if (text.startsWith('40')) ws.send(`42${subscribe}`);
    else if (text.startsWith('42')) {
      frames.push(text);
      events.push(JSON.parse(text.slice(2)) as [string, unknown]);
    }
  });
  // ws keeps its net.Socket in a private field; pausing it is how a test stops reading.
  const tcp = () => (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  return { ws, frames, events, pause: () => tcp().pause(), resume: () => tcp().resume() };
}
