import { Decimal128, Long, ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { toJsonDocument } from './json-safe';

describe('toJsonDocument', () => {
  it('turns BSON and Date values into JSON-safe ones', () => {
    const id = new ObjectId();
    const doc = toJsonDocument({
      _id: id,
      startTime: new Date('2026-01-02T03:04:05.000Z'),
      duration: Long.fromNumber(42),
      big: Long.fromString('9223372036854775807'),
      price: Decimal128.fromString('1.10'),
      nested: { ids: [id], when: new Date(0), gone: undefined },
      nan: Number.NaN,
    });
    expect(doc).toEqual({
      _id: id.toHexString(),
      startTime: '2026-01-02T03:04:05.000Z',
      duration: 42,
      big: '9223372036854775807',
      price: '1.10',
      nested: { ids: [id.toHexString()], when: '1970-01-01T00:00:00.000Z' },
      nan: null,
    });
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});
