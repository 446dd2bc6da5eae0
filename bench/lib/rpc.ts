/**
 * Request/response over a message port (a child process's IPC channel or a worker thread),
 * so the orchestrator can await "ready", "stats", "collect" from the processes it starts.
 */

export interface Port {
  send(message: unknown, transfer?: Transferable[]): void;
  onMessage(listener: (message: unknown) => void): () => void;
}

interface Request {
  rpc: 'request';
  id: number;
  method: string;
  params: unknown;
}
interface Response {
  rpc: 'response';
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

export type Handler = (params: unknown) => Promise<unknown> | unknown;

/** The caller's side. */
export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; method: string }
  >();
  private readonly stop: () => void;

  constructor(
    private readonly port: Port,
    private readonly name: string,
  ) {
    this.stop = port.onMessage((message) => {
      const m = message as Response;
      if (m?.rpc !== 'response') return;
      const entry = this.pending.get(m.id);
      if (!entry) return;
      this.pending.delete(m.id);
      if (m.ok) entry.resolve(m.result);
      else entry.reject(new Error(`${this.name} ${entry.method}: ${m.error}`));
    });
  }

  call<T>(
    method: string,
    params?: unknown,
    timeoutMs = 120_000,
    transfer?: Transferable[],
  ): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name} ${method}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        method,
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      const request: Request = { rpc: 'request', id, method, params };
      this.port.send(request, transfer);
    });
  }

  /** Fails every pending call (the process died). */
  failAll(reason: string): void {
    for (const [id, entry] of this.pending) {
      this.pending.delete(id);
      entry.reject(new Error(`${this.name} ${entry.method}: ${reason}`));
    }
  }

  dispose(): void {
    this.stop();
  }
}

/** The callee's side: answers requests with the named handlers. */
export function serveRpc(port: Port, handlers: Record<string, Handler>): () => void {
  return port.onMessage((message) => {
    const m = message as Request;
    if (m?.rpc !== 'request') return;
    const handler = handlers[m.method];
    const reply = (response: Omit<Response, 'rpc' | 'id'>, transfer?: Transferable[]) =>
      port.send({ rpc: 'response', id: m.id, ...response }, transfer);
    if (!handler) {
      reply({ ok: false, error: `unknown method ${m.method}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(m.params))
      .then(
        (result) => {
          const transfer = result instanceof TransferList ? result.transfer : undefined;
          reply(
            { ok: true, result: result instanceof TransferList ? result.value : result },
            transfer,
          );
        },
        (error: unknown) => reply({ ok: false, error: (error as Error)?.stack ?? String(error) }),
      );
  });
}

/** A handler result whose buffers are moved, not copied, to the caller (worker threads). */
export class TransferList {
  constructor(
    readonly value: unknown,
    readonly transfer: Transferable[],
  ) {}
}
