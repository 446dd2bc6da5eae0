import type { StoreOp } from './call-store';
import { between, pick } from './random';

/**
 * Live turns for the demo (DATA.md, "Live transcript"): one document per turn in the
 * transcripts collection, agent and caller alternating every few (simulated) seconds, an
 * occasional tool call and a correction of the caller's last words, as ElevenLabs' monitoring
 * socket sends them. Light on purpose: at most `maxCalls` conversations at once get turns.
 */

/** A turn document as the simulator writes it (the default field names). */
export interface SimTurn {
  _id: string;
  callSid: string;
  role: 'agent' | 'user';
  message: string;
  timeInCallSecs: number;
  createdAt: Date;
  tool_calls?: { tool_name: string }[];
}

const AGENT_LINES = [
  'Hi, this is Ava calling from Acme Energy. Is now a good time?',
  'I am calling about your contract, which renews next month.',
  'Let me look that up for you.',
  'I can offer you the same rate for another twelve months.',
  'Would you like me to send the details by text message?',
  'Thank you for your time. Have a good day!',
];
const CALLER_LINES = [
  'Yes, go ahead.',
  'Oh right, I was wondering about that.',
  'What would the new price be?',
  'That sounds fine.',
  'Yes please, to this number.',
  'Thanks, bye.',
];
/** What speech recognition first heard, before the correction. */
const MISHEARD = ['Yes, go a head.', 'Oh right, I was wandering about that.', 'That sounds fire.'];
const TOOLS = ['lookup_contract', 'check_rate', 'send_sms'];

interface Conversation {
  callSid: string;
  answeredAt: number;
  nextAt: number;
  turns: number;
  lastCaller: { id: string; message: string } | null;
}

export class SimTranscripts {
  private readonly talking = new Map<string, Conversation>();

  constructor(
    private readonly random: () => number,
    private readonly maxCalls: number,
  ) {}

  /** A person answered: the agent speaks first, a second or two in. */
  answered(callSid: string, at: number, scale: number): void {
    if (this.talking.size >= this.maxCalls) return;
    this.talking.set(callSid, {
      callSid,
      answeredAt: at,
      nextAt: at + between(this.random, 1, 2) * 1000 * scale,
      turns: 0,
      lastCaller: null,
    });
  }

  ended(callSid: string): void {
    this.talking.delete(callSid);
  }

  /** The turns (and corrections) due by `now`. */
  advance(now: number, scale: number, ops: StoreOp[]): void {
    for (const c of this.talking.values()) {
      while (c.nextAt <= now) {
        const at = c.nextAt;
        const agent = c.turns % 2 === 0;
        const line = Math.floor(c.turns / 2) % AGENT_LINES.length;
        const id = `${c.callSid}-turn-${c.turns}`;
        const misheard = !agent && this.random() < 0.2;
        const message = agent
          ? AGENT_LINES[line]!
          : misheard
            ? pick(this.random, MISHEARD)
            : CALLER_LINES[line]!;
        const turn: SimTurn = {
          _id: id,
          callSid: c.callSid,
          role: agent ? 'agent' : 'user',
          message,
          // Wall-clock seconds, like the call's duration and the talk timer on screen: with a
          // time scale the conversation is faster, not its clock.
          timeInCallSecs: Math.round((at - c.answeredAt) / 100) / 10,
          createdAt: new Date(at),
          ...(agent && this.random() < 0.2
            ? { tool_calls: [{ tool_name: pick(this.random, TOOLS) }] }
            : {}),
        };
        // The correction of the caller's previous turn lands with the agent's answer.
        if (agent && c.lastCaller && MISHEARD.includes(c.lastCaller.message)) {
          const fixed = CALLER_LINES[(Math.floor(c.turns / 2) - 1) % CALLER_LINES.length]!;
          ops.push({ kind: 'updateTurn', id: c.lastCaller.id, set: { message: fixed } });
        }
        ops.push({ kind: 'insertTurn', turn });
        if (!agent) c.lastCaller = { id, message };
        c.turns += 1;
        c.nextAt = at + between(this.random, 2, 6) * 1000 * scale;
      }
    }
  }
}
