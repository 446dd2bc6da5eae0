import { Encoder, PacketType } from 'socket.io-parser';
import { describe, expect, it } from 'vitest';
import { EmissionCache } from './emission-cache';
import type { HubEvent } from './hub-types';
import { toEmissions } from './protocol-output';

const event: HubEvent = {
  type: 'changes',
  stream: 'calls',
  epoch: 'e',
  fromSeq: 1,
  seq: 2,
  entries: [
    { seq: 1, key: 'a', doc: { callSid: 'a', status: 'ringing', note: 'é "quoted" \n' } },
    { seq: 2, key: 'b', doc: null },
  ],
  replay: false,
};

describe('EmissionCache', () => {
  it('encodes exactly as socket.emit would, once per event and client mode', () => {
    const cache = new EmissionCache();
    let builds = 0;
    const mode = { v2: true, batch: true };
    const build = () => {
      builds += 1;
      return toEmissions(event, mode, 'T', () => []);
    };
    const first = cache.encode(event, mode, build);
    expect(cache.encode(event, mode, build)).toBe(first);
    expect(builds).toBe(1);
    const expected = toEmissions(event, mode, 'T', () => []).map((e) =>
      new Encoder().encode({ type: PacketType.EVENT, nsp: '/', data: [e.event, e.payload] }),
    );
    expect(first).toEqual(expected.flat());
    cache.encode(event, { v2: false, batch: true }, () =>
      toEmissions(event, { v2: false, batch: true }, 'T', () => []),
    );
    expect(builds).toBe(1);
  });
});
