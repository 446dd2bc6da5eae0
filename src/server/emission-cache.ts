import type { HubEvent } from './hub-types';
import type { ClientMode, Emission } from './protocol-output';

/**
 * The Socket.IO v4 EVENT packet of the main namespace, `2["event",payload]` (Engine.IO adds
 * its message prefix `4`), built once per hub event and client mode and written to each
 * socket's Engine.IO connection, instead of JSON-encoding the same batch again for every
 * client. Payloads are JSON-safe (no binary), so this is exactly what `socket.emit` sends.
 */
export class EmissionCache {
  private readonly cache = new WeakMap<HubEvent, Map<string, string[]>>();

  encode(event: HubEvent, mode: ClientMode, build: () => Emission[]): string[] {
    const key = `${mode.v2 ? 2 : 1}${mode.batch ? 'b' : 'k'}`;
    let byMode = this.cache.get(event);
    if (!byMode) {
      byMode = new Map();
      this.cache.set(event, byMode);
    }
    let packets = byMode.get(key);
    if (!packets) {
      packets = build().map((e) => `2${JSON.stringify([e.event, e.payload])}`);
      byMode.set(key, packets);
    }
    return packets;
  }
}
