/**
 * Where a test client's sockets come from and which certificate it trusts: a local address of
 * its own (Linux routes all of 127.0.0.0/8 to loopback) so that a balancer hashing on the
 * client address (nginx `ip_hash`, HAProxy `balance source`) spreads test clients over its
 * servers as it spreads real ones; and the CA of a test's self-signed certificate for https.
 * Plain data, so it can cross to the load clients' process.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

export interface ClientRoute {
  /** The local address to connect from, e.g. `127.0.3.1`. */
  localAddress?: string;
  /** PEM of the certificate (or CA) an https server presents. */
  ca?: string;
}

/**
 * The n-th client address (n from 0): `127.A.B.1`, a different first three octets for each,
 * since nginx's `ip_hash` keys on those alone (so 127.0.0.x would all be one client).
 */
export function clientAddress(n: number): string {
  return `127.${1 + Math.floor(n / 250)}.${(n % 250) + 1}.1`;
}

/** socket.io-client options for a route: the agent serves both polling and websocket. */
export function socketOptionsFor(
  url: string,
  route: ClientRoute = {},
): { agent?: HttpAgent; ca?: string; localAddress?: string } {
  if (route.localAddress === undefined && route.ca === undefined) return {};
  const https = url.startsWith('https:');
  const common = {
    keepAlive: true,
    ...(route.localAddress !== undefined ? { localAddress: route.localAddress } : {}),
  };
  const agent = https
    ? new HttpsAgent({ ...common, ...(route.ca !== undefined ? { ca: route.ca } : {}) })
    : new HttpAgent(common);
  return {
    agent,
    ...(route.ca !== undefined ? { ca: route.ca } : {}),
    ...(route.localAddress !== undefined ? { localAddress: route.localAddress } : {}),
  };
}
