// The emulator's own wire-level tests: raw sockets against startEmulator(), with its log
// captured (so they are emulator-only by nature, not part of the MONGODB_URI suite).
import { connect, type Socket } from 'node:net';
import { Long, ObjectId, deserialize, serialize, type Document } from 'bson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from './server';
import { crc32c } from './wire';

let emulator: RunningEmulator;
const logs: { msg: string; fields?: Record<string, unknown> }[] = [];
const log = (msg: string, fields?: Record<string, unknown>) => logs.push({ msg, fields });
const sockets: Socket[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ logger: { debug: log, info: log, warn: log, error: log } });
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await emulator.stop();
});

/** A raw connection that collects replies and notices when the server closes it. */
async function open() {
  const socket = connect(emulator.port, emulator.host);
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let buffer = Buffer.alloc(0);
  const waiting: ((frame: Buffer) => void)[] = [];
  const frames: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 4 && buffer.length >= buffer.readInt32LE(0)) {
      const frame = buffer.subarray(0, buffer.readInt32LE(0));
      buffer = buffer.subarray(frame.length);
      const waiter = waiting.shift();
      if (waiter) waiter(frame);
      else frames.push(frame);
    }
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    send: (bytes: Buffer) => socket.write(bytes),
    reply: () =>
      new Promise<Buffer>((resolve) => {
        const frame = frames.shift();
        if (frame) resolve(frame);
        else waiting.push(resolve);
      }),
    closed,
  };
}

let requestId = 100;
function header(length: number, opCode: number): Buffer {
  const head = Buffer.alloc(16);
  head.writeInt32LE(length, 0);
  head.writeInt32LE(++requestId, 4);
  head.writeInt32LE(0, 8);
  head.writeInt32LE(opCode, 12);
  return head;
}

function opMsg(
  body: Document,
  options: { sequences?: Record<string, Document[]>; checksum?: boolean; flags?: number } = {},
) {
  const parts: Buffer[] = [Buffer.from([0]), Buffer.from(serialize(body))];
  for (const [name, docs] of Object.entries(options.sequences ?? {})) {
    const payload = Buffer.concat([
      Buffer.from(`${name}\0`),
      ...docs.map((d) => Buffer.from(serialize(d))),
    ]);
    const size = Buffer.alloc(4);
    size.writeInt32LE(payload.length + 4, 0);
    parts.push(Buffer.from([1]), size, payload);
  }
  const flags = Buffer.alloc(4);
  flags.writeUInt32LE((options.flags ?? 0) | (options.checksum ? 1 : 0), 0);
  const bodyBytes = Buffer.concat([flags, ...parts]);
  const total = 16 + bodyBytes.length + (options.checksum ? 4 : 0);
  const message = Buffer.concat([header(total, 2013), bodyBytes]);
  if (!options.checksum) return message;
  const sum = Buffer.alloc(4);
  sum.writeUInt32LE(crc32c(message), 0);
  return Buffer.concat([message, sum]);
}

function opMsgReply(frame: Buffer): Document {
  expect(frame.readInt32LE(12)).toBe(2013);
  expect(frame.readUInt8(20)).toBe(0);
  return deserialize(frame.subarray(21));
}

describe('framing', () => {
  it('answers a legacy OP_QUERY hello with an OP_REPLY', async () => {
    const conn = await open();
    const query = Buffer.concat([
      Buffer.alloc(4),
      Buffer.from('admin.$cmd\0'),
      Buffer.from([0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]),
      Buffer.from(serialize({ isMaster: 1, helloOk: true })),
    ]);
    conn.send(Buffer.concat([header(16 + query.length, 2004), query]));
    const frame = await conn.reply();
    expect(frame.readInt32LE(12)).toBe(1);
    expect(frame.readInt32LE(8)).toBe(requestId);
    expect(frame.readInt32LE(32)).toBe(1);
    expect(deserialize(frame.subarray(36))).toMatchObject({
      ismaster: true,
      helloOk: true,
      setName: 'rs0',
    });
  });

  it('reads document sequences and verifies checksums', async () => {
    const conn = await open();
    const docs = [{ _id: 1 }, { _id: 2 }];
    conn.send(
      opMsg({ insert: 'seq', $db: 'wire' }, { sequences: { documents: docs }, checksum: true }),
    );
    expect(opMsgReply(await conn.reply())).toMatchObject({ n: 2, ok: 1 });
    conn.send(opMsg({ find: 'seq', filter: {}, $db: 'wire' }));
    expect(opMsgReply(await conn.reply()).cursor.firstBatch).toEqual(docs);
  });

  it('sends nothing back for moreToCome requests', async () => {
    const conn = await open();
    conn.send(
      opMsg(
        { insert: 'quiet', documents: [{ _id: 1 }], $db: 'wire', writeConcern: { w: 0 } },
        { flags: 2 },
      ),
    );
    conn.send(opMsg({ count: 'quiet', $db: 'wire' }));
    const frame = await conn.reply();
    expect(frame.readInt32LE(8)).toBe(requestId);
    expect(opMsgReply(frame)).toMatchObject({ n: 1 });
  });

  it('answers an unknown command with error 59 and a missing $db with 40571', async () => {
    const conn = await open();
    conn.send(opMsg({ frobnicate: 1, $db: 'wire' }));
    expect(opMsgReply(await conn.reply())).toMatchObject({
      ok: 0,
      code: 59,
      errmsg: "no such command: 'frobnicate'",
    });
    conn.send(opMsg({ ping: 1 }));
    expect(opMsgReply(await conn.reply())).toMatchObject({ ok: 0, code: 40571 });
  });
});

describe('streaming hello', () => {
  it('answers an exhaust hello repeatedly, each reply flagged moreToCome', async () => {
    const conn = await open();
    conn.send(opMsg({ hello: 1, $db: 'admin' }));
    const { topologyVersion } = opMsgReply(await conn.reply());
    const hello = { hello: 1, $db: 'admin', topologyVersion, maxAwaitTimeMS: 20 };
    conn.send(opMsg(hello, { flags: 1 << 16 }));
    for (let i = 0; i < 2; i++) {
      const frame = await conn.reply();
      expect(frame.readUInt32LE(16) & 2).toBe(2);
      expect(opMsgReply(frame)).toMatchObject({ isWritablePrimary: true });
    }
  });

  it('answers at once when the topologyVersion is from another process', async () => {
    const conn = await open();
    // A wait this long would outlast the test's timeout.
    const stale = { processId: new ObjectId(), counter: Long.fromNumber(0) };
    conn.send(opMsg({ hello: 1, $db: 'admin', topologyVersion: stale, maxAwaitTimeMS: 600_000 }));
    expect(opMsgReply(await conn.reply())).toMatchObject({ isWritablePrimary: true });
  });
});

describe('bad messages close only their connection, with the reason logged', () => {
  const cases: [string, () => Buffer, RegExp][] = [
    [
      'a wrong checksum',
      () => {
        const m = opMsg({ ping: 1, $db: 'admin' }, { checksum: true });
        m.writeUInt32LE(12345, m.length - 4);
        return m;
      },
      /checksum/,
    ],
    [
      'malformed BSON',
      () => {
        const m = opMsg({ ping: 1, $db: 'admin' });
        m.writeInt32LE(9999, 21);
        return m;
      },
      /BSON/,
    ],
    ['an oversized message', () => header(64 * 1024 * 1024, 2013), /message length/],
    [
      'an unknown opCode',
      () => {
        const m = opMsg({ ping: 1, $db: 'admin' });
        m.writeInt32LE(2012, 12);
        return m;
      },
      /opCode 2012/,
    ],
    [
      'an unknown section kind',
      () => {
        const m = opMsg({ ping: 1, $db: 'admin' });
        m.writeUInt8(7, 20);
        return m;
      },
      /section kind 7/,
    ],
  ];
  for (const [name, build, reason] of cases) {
    it(name, async () => {
      const healthy = await open();
      const bad = await open();
      const before = logs.length;
      bad.send(build());
      await bad.closed;
      expect(logs.slice(before).some((l) => reason.test(String(l.fields?.reason)))).toBe(true);
      healthy.send(opMsg({ ping: 1, $db: 'admin' }));
      expect(opMsgReply(await healthy.reply())).toMatchObject({ ok: 1 });
    });
  }
});

describe('many connections', () => {
  it('serves 100 concurrent connections', async () => {
    const conns = await Promise.all(Array.from({ length: 100 }, () => open()));
    for (const conn of conns) conn.send(opMsg({ ping: 1, $db: 'admin' }));
    const replies = await Promise.all(conns.map(async (c) => opMsgReply(await c.reply())));
    expect(replies.every((r) => r.ok === 1)).toBe(true);
  });
});
