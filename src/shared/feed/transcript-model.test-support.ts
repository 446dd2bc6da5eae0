import type {
  TranscriptAction,
  TranscriptRole,
  TranscriptSnapshotPayload,
  TranscriptTurn,
  TranscriptTurnsPayload,
} from '../protocol/transcript';

/**
 * Test-only: one call's transcript as the contract says a server holds it
 * (src/shared/protocol/transcript.ts). Every change takes the next seq; a restart begins a new
 * epoch whose seq starts again. Used by the reducer's property tests and by the remote feed's
 * tests, where a real Socket.IO server speaks the contract from it.
 */
export class TranscriptServerModel {
  epoch: string;
  seq = 0;
  readonly turns = new Map<string, TranscriptTurn>();
  /** Removals of this epoch: id -> the seq that removed it. */
  private readonly removals = new Map<string, number>();
  private restarts = 0;
  private nextId = 0;

  constructor(
    readonly callSid: string,
    private readonly epochPrefix = 'epoch',
  ) {
    this.epoch = `${epochPrefix}-0`;
  }

  add(
    role: TranscriptRole,
    message: string,
    timeInCallSecs?: number,
    actions?: TranscriptAction[],
  ): TranscriptTurn {
    this.seq += 1;
    const turn: TranscriptTurn = {
      id: `turn-${this.nextId++}`,
      seq: this.seq,
      role,
      message,
      ...(timeInCallSecs !== undefined ? { timeInCallSecs } : {}),
      ...(actions ? { actions } : {}),
    };
    this.turns.set(turn.id, turn);
    this.removals.delete(turn.id);
    return turn;
  }

  /** A correction: the same id, a new message, the next seq. */
  correct(id: string, message: string): TranscriptTurn | null {
    const held = this.turns.get(id);
    if (!held) return null;
    this.seq += 1;
    const turn = { ...held, message, seq: this.seq };
    this.turns.set(id, turn);
    return turn;
  }

  remove(id: string): boolean {
    if (!this.turns.delete(id)) return false;
    this.seq += 1;
    this.removals.set(id, this.seq);
    return true;
  }

  /** The server restarted: same turns (from the database), a new epoch, seq from 0. */
  restart(): void {
    this.restarts += 1;
    this.epoch = `${this.epochPrefix}-${this.restarts}`;
    this.seq = 0;
    this.removals.clear();
    for (const [id, turn] of this.turns) this.turns.set(id, { ...turn, seq: 0 });
  }

  snapshot(timestamp = new Date(0).toISOString()): TranscriptSnapshotPayload {
    return {
      v: 2,
      callSid: this.callSid,
      epoch: this.epoch,
      seq: this.seq,
      source: this.turns.size > 0 ? 'live' : 'none',
      turns: [...this.turns.values()],
      timestamp,
    };
  }

  /** What changed after `afterSeq`, as one batch; null when nothing did. */
  turnsSince(
    afterSeq: number,
    timestamp = new Date(0).toISOString(),
  ): TranscriptTurnsPayload | null {
    if (afterSeq >= this.seq) return null;
    const removed = [...this.removals]
      .filter(([id, seq]) => seq > afterSeq && !this.turns.has(id))
      .map(([id]) => id);
    return {
      v: 2,
      callSid: this.callSid,
      epoch: this.epoch,
      fromSeq: afterSeq + 1,
      seq: this.seq,
      turns: [...this.turns.values()].filter((t) => t.seq > afterSeq),
      ...(removed.length > 0 ? { removed } : {}),
      timestamp,
    };
  }

  /** The server's answer to a subscribe: a replay from `since` if it can, else a snapshot. */
  answer(
    since: { epoch: string; seq: number } | undefined,
  ):
    | { type: 'snapshot'; payload: TranscriptSnapshotPayload }
    | { type: 'turns'; payload: TranscriptTurnsPayload | null } {
    if (since && since.epoch === this.epoch && since.seq <= this.seq) {
      return { type: 'turns', payload: this.turnsSince(since.seq) };
    }
    return { type: 'snapshot', payload: this.snapshot() };
  }
}

/** The expected screen order, written independently of compareTurns: time, then seq. */
export function spokenOrder(turns: Iterable<TranscriptTurn>): TranscriptTurn[] {
  const all = [...turns];
  const timed = all.filter((t) => t.timeInCallSecs !== undefined);
  const untimed = all.filter((t) => t.timeInCallSecs === undefined);
  const bySeqThenId = (a: TranscriptTurn, b: TranscriptTurn) =>
    a.seq - b.seq || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  timed.sort((a, b) => a.timeInCallSecs! - b.timeInCallSecs! || bySeqThenId(a, b));
  return [...timed, ...untimed.sort(bySeqThenId)];
}
