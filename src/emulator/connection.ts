/**
 * One client connection: frames the byte stream, runs its commands one after another, and
 * answers in the protocol the request used. A message that cannot be understood closes this
 * connection only, with the reason logged.
 */
import type { Socket } from 'node:net';
import type { Document } from 'bson';
import { startsChangeStream } from './change-stream';
import { clusterTimeFields, topologyVersion } from './commands-admin';
import { carriesTopologyVersion } from './error-labels';
import type { CommandContext, CommandHandler, ConnectionInfo } from './context';
import { CloseConnection, CommandError, toCommandError } from './errors';
import {
  FLAG_EXHAUST_ALLOWED,
  FLAG_MORE_TO_COME,
  OP_QUERY,
  WireError,
  encodeOpMsg,
  encodeOpReply,
  frameLength,
  parseMessage,
  type WireRequest,
} from './wire';

export type SharedContext = Omit<CommandContext, 'connection'>;

/** Commands a fail point never applies to unless named (the handshake must keep working). */
const HELLO = new Set(['hello', 'isMaster', 'ismaster']);

export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

export class Connection {
  private pending: Buffer = Buffer.alloc(0);
  private queue: Promise<void> = Promise.resolve();
  private readonly abort = new AbortController();
  private readonly info: ConnectionInfo;
  private readonly ctx: CommandContext;

  constructor(
    private readonly socket: Socket,
    id: number,
    shared: SharedContext,
    private readonly commands: Record<string, CommandHandler>,
    private readonly onClose: () => void,
  ) {
    this.info = { id, signal: this.abort.signal };
    this.ctx = { ...shared, connection: this.info };
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) =>
      shared.logger.debug('connection error', { id, error: error.message }),
    );
    socket.on('close', () => {
      this.abort.abort();
      this.onClose();
    });
  }

  close(reason?: string): void {
    if (reason) this.ctx.logger.warn('closing connection', { id: this.info.id, reason });
    this.abort.abort();
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    try {
      for (;;) {
        const length = frameLength(this.pending);
        if (length === 0) break;
        const frame = this.pending.subarray(0, length);
        this.pending = this.pending.subarray(length);
        const request = parseMessage(frame);
        this.queue = this.queue
          .then(() => this.handle(request))
          .catch((error: unknown) => this.close(`failed to answer: ${(error as Error).message}`));
      }
    } catch (error) {
      this.pending = Buffer.alloc(0);
      this.close(
        error instanceof WireError ? error.message : `unreadable message: ${String(error)}`,
      );
    }
  }

  private send(request: WireRequest, reply: Document, flags = 0): void {
    if (this.socket.destroyed) return;
    const encode = (doc: Document) =>
      request.opCode === OP_QUERY
        ? encodeOpReply(request.requestId, doc)
        : encodeOpMsg(request.requestId, doc, flags);
    let bytes: Buffer;
    try {
      bytes = encode(reply);
    } catch (error) {
      // A reply that cannot be encoded (too big, say) becomes an error reply, not a dead socket.
      const message = `cannot encode the reply: ${(error as Error).message}`;
      this.ctx.logger.error('reply not sent', { id: this.info.id, error: message });
      bytes = encode(new CommandError(1, `internal emulator error: ${message}`).toReply());
    }
    this.socket.write(bytes);
  }

  private async handle(request: WireRequest): Promise<void> {
    if (this.abort.signal.aborted) return;
    let reply: Document | null;
    try {
      reply = await this.run(request);
    } catch (error) {
      this.ctx.logger.error('command crashed', {
        id: this.info.id,
        error: (error as Error).message,
      });
      reply = new CommandError(1, `internal emulator error: ${(error as Error).message}`).toReply();
    }
    if (reply === null || this.abort.signal.aborted) return;
    if (request.flags & FLAG_MORE_TO_COME && request.opCode !== OP_QUERY) return;
    const name = Object.keys(request.command)[0] ?? '';
    const awaitable =
      HELLO.has(name) &&
      request.command.topologyVersion &&
      request.command.maxAwaitTimeMS !== undefined;
    if (awaitable && request.flags & FLAG_EXHAUST_ALLOWED) {
      // Streaming monitoring: an answer every maxAwaitTimeMS, each saying more will come.
      const every = Math.max(1, Number(request.command.maxAwaitTimeMS));
      const { topologyVersion: _seen, ...again } = request.command;
      for (;;) {
        this.send(request, reply, FLAG_MORE_TO_COME);
        await delay(every, this.abort.signal);
        if (this.abort.signal.aborted) return;
        reply = await this.run({ ...request, command: again });
        if (reply === null || this.abort.signal.aborted) return;
      }
    }
    this.send(request, reply);
  }

  /** Runs one command; null means "send nothing" (the connection was closed on purpose). */
  private async run(request: WireRequest): Promise<Document | null> {
    const command = request.command;
    const name = Object.keys(command)[0];
    if (!name) return new CommandError(9, 'empty command document').toReply();
    const db = request.opCode === OP_QUERY ? (request.collection ?? '').split('.')[0] : command.$db;
    if (typeof db !== 'string' || db === '') {
      return new CommandError(40571, 'OP_MSG requests require a $db argument').toReply();
    }
    if (HELLO.has(name)) {
      const appName = command.client?.application?.name;
      if (typeof appName === 'string') this.info.appName = appName;
      // An awaitable hello waits for a topology change (there are none) unless the client's
      // topologyVersion is from another process (a restarted server): then it answers now.
      const known =
        String(command.topologyVersion?.processId) === String(this.ctx.server.processId);
      if (known && command.maxAwaitTimeMS !== undefined) {
        await delay(Number(command.maxAwaitTimeMS), this.abort.signal);
      }
    }
    const fail =
      name === 'configureFailPoint'
        ? undefined
        : this.ctx.failPoints.check(name, this.info.appName, {
            retryableWrite: command.txnNumber !== undefined,
            changeStream: name === 'aggregate' && startsChangeStream(command.pipeline),
          });
    if (fail) {
      this.ctx.logger.debug('failCommand fail point triggered', {
        command: name,
        id: this.info.id,
      });
      if (fail.blockTimeMS > 0) await delay(fail.blockTimeMS, this.abort.signal);
      if (fail.closeConnection) {
        this.close();
        return null;
      }
      if (fail.error) return this.finish(fail.error.toReply());
    }
    if (command.lsid !== undefined) this.ctx.sessions.touch(command.lsid);
    if (command.startTransaction === true || command.autocommit === false) {
      return this.finish(
        new CommandError(
          263,
          'Transactions are not supported by the Callboard MongoDB emulator (see docs/emulator.md)',
        ).toReply(),
      );
    }
    const reply = await this.execute(name, command, db);
    if (reply === null) {
      this.close();
      return null;
    }
    if (fail?.writeConcernError && reply.ok === 1) {
      reply.writeConcernError = fail.writeConcernError;
      if (fail.writeConcernLabels?.length) reply.errorLabels = fail.writeConcernLabels;
    }
    return this.finish(reply);
  }

  /**
   * Runs the command's handler; anything it throws becomes an error reply, but a
   * CloseConnection gives null: close without replying.
   */
  private async execute(name: string, command: Document, db: string): Promise<Document | null> {
    const handler = this.commands[name];
    try {
      if (!handler) throw new CommandError(59, `no such command: '${name}'`);
      return await handler(command, db, this.ctx);
    } catch (error) {
      if (error instanceof CloseConnection) {
        this.ctx.logger.debug('closing the connection without a reply', {
          command: name,
          id: this.info.id,
          reason: error.message,
        });
        return null;
      }
      const failure = toCommandError(error);
      if (failure.code === 1) {
        this.ctx.logger.error('command crashed in the emulator', {
          command: name,
          error: failure.message,
          stack: error instanceof Error ? error.stack : undefined,
        });
      }
      return failure.toReply();
    }
  }

  /** What every reply gets on its way out, as from mongod. */
  private finish(reply: Document): Document {
    const extra = clusterTimeFields(this.ctx);
    if (reply.ok === 0 && typeof reply.code === 'number' && carriesTopologyVersion(reply.code)) {
      extra.topologyVersion = topologyVersion(this.ctx);
    }
    return { ...reply, ...extra };
  }
}
