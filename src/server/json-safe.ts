/**
 * Documents leave the server as JSON (Socket.IO, /healthz, the CLI), so every value must be
 * JSON-safe before the hub stores it: ObjectId -> hex string, Date -> ISO string, BSON numbers
 * -> numbers (or strings where a number would lose precision), Binary -> base64.
 * docs/protocol.md, "Documents".
 */
export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type JsonDocument = { [key: string]: JsonValue };

import { setOwnField } from '../shared/own-field';

const MAX_DEPTH = 32;

interface BsonLike {
  _bsontype?: string;
  toHexString?: () => string;
  toString(format?: number | string): string;
  toNumber?: () => number;
  valueOf?: () => unknown;
  toJSON?: () => unknown;
}

function fromBson(value: BsonLike): JsonValue {
  switch (value._bsontype) {
    case 'ObjectId':
    case 'ObjectID':
      return value.toHexString ? value.toHexString() : value.toString();
    case 'Long': {
      const n = value.toNumber ? value.toNumber() : Number(value.toString());
      return Number.isSafeInteger(n) ? n : value.toString();
    }
    case 'Int32':
    case 'Double':
      return Number(value.valueOf ? value.valueOf() : value.toString());
    case 'Decimal128':
    case 'Timestamp':
    case 'UUID':
      return value.toString();
    case 'Binary': {
      const json = value.toJSON ? value.toJSON() : undefined;
      return typeof json === 'string' ? json : value.toString('base64');
    }
    default:
      return value.toString();
  }
}

/** Returns a JSON-safe deep copy of `value`. Undefined, functions and symbols are dropped. */
export function toJsonSafe(value: unknown, depth = 0): JsonValue | undefined {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (depth > MAX_DEPTH) return null;
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? null : value.toISOString();
  }
  if (Array.isArray(value)) {
    return value.map((item) => toJsonSafe(item, depth + 1) ?? null);
  }
  const bson = value as BsonLike;
  if (typeof bson._bsontype === 'string') return fromBson(bson);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  const out: { [key: string]: JsonValue } = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const safe = toJsonSafe(item, depth + 1);
    if (safe !== undefined) setOwnField(out, key, safe); // `__proto__` stays a field
  }
  return out;
}

/** A top-level document: always an object. */
export function toJsonDocument(value: Record<string, unknown>): JsonDocument {
  const safe = toJsonSafe(value);
  return safe !== null && typeof safe === 'object' && !Array.isArray(safe) ? safe : {};
}
