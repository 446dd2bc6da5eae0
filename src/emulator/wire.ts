/**
 * MongoDB wire protocol framing: OP_MSG (kinds 0 and 1, checksum flag), the legacy OP_QUERY
 * request and OP_REPLY answer the driver uses for its first `hello`. Pure functions over
 * buffers; the connection decides what to do with a WireError (close that connection).
 */
import { deserialize, serialize, type Document } from 'bson';

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

export const FLAG_CHECKSUM_PRESENT = 1 << 0;
export const FLAG_MORE_TO_COME = 1 << 1;
export const FLAG_EXHAUST_ALLOWED = 1 << 16;

export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
export const MAX_MESSAGE_SIZE = 48_000_000;
const HEADER = 16;

/** A message that cannot be understood: the connection that sent it is closed. */
export class WireError extends Error {
  override name = 'WireError';
}

export interface WireRequest {
  requestId: number;
  opCode: typeof OP_MSG | typeof OP_QUERY;
  /** The command with document sequences folded in (as arrays under their identifiers). */
  command: Document;
  flags: number;
  /** OP_QUERY only: the full collection name, e.g. `admin.$cmd`. */
  collection?: string;
}

/** Length of the next complete message at the start of `buffer`, or 0 if more bytes are needed. */
export function frameLength(buffer: Buffer): number {
  if (buffer.length < 4) return 0;
  const length = buffer.readInt32LE(0);
  if (length < HEADER || length > MAX_MESSAGE_SIZE) {
    throw new WireError(`message length ${length} is outside 16..${MAX_MESSAGE_SIZE} bytes`);
  }
  return buffer.length >= length ? length : 0;
}

function readDocument(buffer: Buffer, offset: number, end: number): [Document, number] {
  if (offset + 5 > end) throw new WireError('truncated BSON document');
  const size = buffer.readInt32LE(offset);
  if (size < 5 || offset + size > end) throw new WireError(`BSON document size ${size} is invalid`);
  if (size > MAX_BSON_OBJECT_SIZE + 16 * 1024) {
    throw new WireError(`BSON document of ${size} bytes exceeds the maximum`);
  }
  try {
    return [
      deserialize(buffer.subarray(offset, offset + size), { validation: { utf8: true } }),
      size,
    ];
  } catch (error) {
    throw new WireError(`malformed BSON: ${(error as Error).message}`);
  }
}

function readCString(buffer: Buffer, offset: number, end: number): [string, number] {
  const zero = buffer.indexOf(0, offset);
  if (zero < 0 || zero >= end) throw new WireError('unterminated C string');
  return [buffer.toString('utf8', offset, zero), zero + 1];
}

/** Parses one complete frame (as sized by frameLength). */
export function parseMessage(frame: Buffer): WireRequest {
  const requestId = frame.readInt32LE(4);
  const opCode = frame.readInt32LE(12);
  if (opCode === OP_MSG) return parseOpMsg(frame, requestId);
  if (opCode === OP_QUERY) return parseOpQuery(frame, requestId);
  throw new WireError(`unsupported opCode ${opCode}`);
}

function parseOpMsg(frame: Buffer, requestId: number): WireRequest {
  if (frame.length < HEADER + 5) throw new WireError('OP_MSG too short');
  const flags = frame.readUInt32LE(HEADER);
  // Required bits (0-15) other than checksumPresent and moreToCome must be zero.
  if ((flags & 0xffff & ~(FLAG_CHECKSUM_PRESENT | FLAG_MORE_TO_COME)) !== 0) {
    throw new WireError(`OP_MSG has unknown required flag bits 0x${flags.toString(16)}`);
  }
  let end = frame.length;
  if (flags & FLAG_CHECKSUM_PRESENT) {
    end -= 4;
    if (end < HEADER + 4) throw new WireError('OP_MSG too short for its checksum');
    const expected = frame.readUInt32LE(end);
    const actual = crc32c(frame.subarray(0, end));
    if (expected !== actual) throw new WireError('OP_MSG checksum mismatch');
  }
  let offset = HEADER + 4;
  let body: Document | undefined;
  const sequences: Record<string, Document[]> = {};
  while (offset < end) {
    const kind = frame.readUInt8(offset);
    offset += 1;
    if (kind === 0) {
      if (body) throw new WireError('OP_MSG has more than one body section');
      const [doc, size] = readDocument(frame, offset, end);
      body = doc;
      offset += size;
    } else if (kind === 1) {
      if (offset + 4 > end) throw new WireError('truncated document sequence');
      const size = frame.readInt32LE(offset);
      const sectionEnd = offset + size;
      if (size < 5 || sectionEnd > end)
        throw new WireError(`document sequence size ${size} is invalid`);
      const [identifier, afterName] = readCString(frame, offset + 4, sectionEnd);
      const docs: Document[] = [];
      let at = afterName;
      while (at < sectionEnd) {
        const [doc, docSize] = readDocument(frame, at, sectionEnd);
        docs.push(doc);
        at += docSize;
      }
      sequences[identifier] = docs;
      offset = sectionEnd;
    } else {
      throw new WireError(`OP_MSG has unknown section kind ${kind}`);
    }
  }
  if (!body) throw new WireError('OP_MSG has no body section');
  for (const [identifier, docs] of Object.entries(sequences)) {
    if (identifier in body) throw new WireError(`OP_MSG field "${identifier}" given twice`);
    body[identifier] = docs;
  }
  return { requestId, opCode: OP_MSG, command: body, flags };
}

function parseOpQuery(frame: Buffer, requestId: number): WireRequest {
  const flags = frame.readInt32LE(HEADER);
  const [collection, afterName] = readCString(frame, HEADER + 4, frame.length);
  const [query] = readDocument(frame, afterName + 8, frame.length);
  const command = '$query' in query && typeof query.$query === 'object' ? query.$query : query;
  return { requestId, opCode: OP_QUERY, command, flags, collection };
}

let nextRequestId = 1;

function header(length: number, responseTo: number, opCode: number): Buffer {
  const head = Buffer.alloc(HEADER);
  head.writeInt32LE(length, 0);
  head.writeInt32LE(nextRequestId++ & 0x7fffffff, 4);
  head.writeInt32LE(responseTo, 8);
  head.writeInt32LE(opCode, 12);
  return head;
}

export function encodeOpMsg(responseTo: number, doc: Document, flags = 0): Buffer {
  const body = serialize(doc);
  const head = header(HEADER + 5 + body.length, responseTo, OP_MSG);
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32LE(flags >>> 0, 0);
  prefix.writeUInt8(0, 4);
  return Buffer.concat([head, prefix, body]);
}

export function encodeOpReply(responseTo: number, doc: Document): Buffer {
  const body = serialize(doc);
  const head = header(HEADER + 20 + body.length, responseTo, OP_REPLY);
  const fields = Buffer.alloc(20);
  fields.writeInt32LE(0, 0); // responseFlags
  fields.writeBigInt64LE(0n, 4); // cursorID
  fields.writeInt32LE(0, 12); // startingFrom
  fields.writeInt32LE(1, 16); // numberReturned
  return Buffer.concat([head, fields, body]);
}

let crcTable: Uint32Array | undefined;

/** CRC-32C (Castagnoli), as OP_MSG checksums use. */
export function crc32c(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) {
    crc = crcTable[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}
