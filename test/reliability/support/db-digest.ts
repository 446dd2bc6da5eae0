/**
 * MongoDB's active documents as one digest, comparable with a load client's (digestOf in
 * load-clients.ts): each document as the shared schema parses it, as the clients hold it.
 */
import type { Db } from 'mongodb';
import { parseCall, parseCampaign } from '../../../src/shared/domain/schemas';
import { readDbState } from './db-state';
import { digestOf } from './load-clients';

export async function truthDigest(db: Db): Promise<{ digest: string; active: number }> {
  const truth = await readDbState(db);
  const calls = new Map<string, unknown>();
  const campaigns = new Map<string, unknown>();
  for (const [k, doc] of truth.calls) {
    const p = parseCall(doc);
    if (p.ok) calls.set(k, p.value);
  }
  for (const [k, doc] of truth.campaigns) {
    const p = parseCampaign(doc);
    if (p.ok) campaigns.set(k, p.value);
  }
  return { digest: digestOf(calls, campaigns), active: calls.size + campaigns.size };
}
