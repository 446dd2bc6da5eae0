/**
 * The server's cache of logical sessions: every command that carries an `lsid` marks its
 * session used, `endSessions` forgets sessions, and `$listLocalSessions` lists them (as
 * mongod's logical session cache does). Bounded: past the limit the least recently used
 * session is forgotten, and a session unused for `logicalSessionTimeoutMinutes` expires.
 */
import { createHash } from 'node:crypto';
import { Binary, type Document } from 'bson';
import { isPlainObject, keyOf } from './values';

export const SESSION_TIMEOUT_MINUTES = 30;
const SESSION_LIMIT = 10_000;
/** With no authentication, mongod's `uid` is the SHA-256 of the empty user name. */
const NO_USER_UID = new Binary(createHash('sha256').update('').digest(), 0);

export class SessionCache {
  private readonly sessions = new Map<string, { id: unknown; lastUse: Date }>();

  constructor(private readonly limit = SESSION_LIMIT) {}

  /** Marks the session of `lsid` (a command's `lsid` field) used now. */
  touch(lsid: unknown): void {
    if (!isPlainObject(lsid) || lsid.id === undefined) return;
    const key = keyOf(lsid.id);
    this.sessions.delete(key);
    this.sessions.set(key, { id: lsid.id, lastUse: new Date() });
    if (this.sessions.size > this.limit) this.sessions.delete(this.sessions.keys().next().value!);
  }

  /** `endSessions`: forgets these sessions (`[{ id }]`). */
  end(lsids: unknown): void {
    if (!Array.isArray(lsids)) return;
    for (const lsid of lsids) {
      if (isPlainObject(lsid) && lsid.id !== undefined) this.sessions.delete(keyOf(lsid.id));
    }
  }

  /** The documents `$listLocalSessions` returns, least recently used first. */
  list(now = Date.now()): Document[] {
    const cutoff = now - SESSION_TIMEOUT_MINUTES * 60_000;
    const out: Document[] = [];
    for (const [key, session] of this.sessions) {
      if (session.lastUse.getTime() < cutoff) {
        this.sessions.delete(key);
        continue;
      }
      out.push({ _id: { id: session.id, uid: NO_USER_UID }, lastUse: session.lastUse });
    }
    return out;
  }
}
