import { serialize } from 'bson';
import { describe, expect, it } from 'vitest';
import {
  FLAG_CHECKSUM_PRESENT,
  WireError,
  crc32c,
  encodeOpMsg,
  frameLength,
  parseMessage,
} from './wire';

describe('wire', () => {
  it('computes CRC-32C (Castagnoli)', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });

  it('round-trips an OP_MSG body', () => {
    const frame = encodeOpMsg(7, { ping: 1, $db: 'admin' });
    expect(frameLength(frame)).toBe(frame.length);
    expect(frameLength(frame.subarray(0, 10))).toBe(0);
    expect(parseMessage(frame).command).toEqual({ ping: 1, $db: 'admin' });
  });

  it('rejects a field given both in the body and as a document sequence', () => {
    const body = Buffer.from(serialize({ insert: 'c', documents: [], $db: 'd' }));
    const seq = Buffer.concat([Buffer.from('documents\0'), Buffer.from(serialize({ a: 1 }))]);
    const size = Buffer.alloc(4);
    size.writeInt32LE(seq.length + 4);
    const rest = Buffer.concat([
      Buffer.alloc(4),
      Buffer.from([0]),
      body,
      Buffer.from([1]),
      size,
      seq,
    ]);
    const head = Buffer.alloc(16);
    head.writeInt32LE(16 + rest.length, 0);
    head.writeInt32LE(2013, 12);
    expect(() => parseMessage(Buffer.concat([head, rest]))).toThrow(/given twice/);
  });

  it('rejects lengths outside the protocol limits and unknown required flags', () => {
    const tiny = Buffer.alloc(16);
    tiny.writeInt32LE(8, 0);
    expect(() => frameLength(tiny)).toThrow(WireError);
    const frame = encodeOpMsg(1, { ping: 1 });
    frame.writeUInt32LE(1 << 3, 16);
    expect(() => parseMessage(frame)).toThrow(/flag bits/);
    frame.writeUInt32LE(FLAG_CHECKSUM_PRESENT, 16);
    expect(() => parseMessage(frame)).toThrow(WireError);
  });
});
