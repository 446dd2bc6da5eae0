import type { Collection } from 'mongodb';

/**
 * The snapshot reads `{ status: { $nin: <ended spellings> } }` (src/shared/domain/
 * snapshot-filter.ts). A production `calls` collection holds every call ever made, nearly
 * all ended: with an index that starts with `status` MongoDB reads only the index ranges
 * between the ended values; without one it scans every document, at every start and resync.
 * docs/operations.md, "Indexes".
 */
export type IndexCheck =
  | { ok: true; index: string }
  | { ok: false; command: string }
  /** The collection does not exist yet: nothing to scan. */
  | { ok: true; index: null };

export function createIndexCommand(
  dbName: string,
  collection: string,
  fields: string | readonly string[],
): string {
  const keys = (typeof fields === 'string' ? [fields] : fields)
    .map((field) => `${JSON.stringify(field)}: 1`)
    .join(', ');
  return `db.getSiblingDB(${JSON.stringify(dbName)}).getCollection(${JSON.stringify(collection)}).createIndex({ ${keys} })`;
}

/**
 * Whether an index starts with `fields` (one field, or several in that order: the transcripts'
 * `{ <call key>: 1, timeInCallSecs: 1 }`); if not, the exact command that creates one.
 */
export async function checkSnapshotIndex(
  coll: Collection,
  dbName: string,
  fields: string | readonly string[],
): Promise<IndexCheck> {
  const prefix = typeof fields === 'string' ? [fields] : fields;
  let indexes: { name?: string; key?: Record<string, unknown> }[];
  try {
    indexes = await coll.listIndexes().toArray();
  } catch (error) {
    if ((error as { code?: number }).code === 26) return { ok: true, index: null };
    throw error;
  }
  const usable = indexes.find((index) => {
    const keys = Object.keys(index.key ?? {});
    return prefix.every((field, i) => keys[i] === field);
  });
  return usable
    ? { ok: true, index: usable.name ?? '' }
    : { ok: false, command: createIndexCommand(dbName, coll.collectionName, prefix) };
}
