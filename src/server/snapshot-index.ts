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

export function createIndexCommand(dbName: string, collection: string, field: string): string {
  return `db.getSiblingDB(${JSON.stringify(dbName)}).getCollection(${JSON.stringify(collection)}).createIndex({ ${JSON.stringify(field)}: 1 })`;
}

/** Whether an index starts with `field`; if not, the exact command that creates one. */
export async function checkSnapshotIndex(
  coll: Collection,
  dbName: string,
  field: string,
): Promise<IndexCheck> {
  let indexes: { name?: string; key?: Record<string, unknown> }[];
  try {
    indexes = await coll.listIndexes().toArray();
  } catch (error) {
    if ((error as { code?: number }).code === 26) return { ok: true, index: null };
    throw error;
  }
  const usable = indexes.find((index) => Object.keys(index.key ?? {})[0] === field);
  return usable
    ? { ok: true, index: usable.name ?? '' }
    : { ok: false, command: createIndexCommand(dbName, coll.collectionName, field) };
}
