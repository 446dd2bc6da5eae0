/**
 * Structural equality for parsed documents, so the reducer can tell "nothing changed" (a
 * replayed event, a snapshot of what is already held) and keep entry objects identical.
 * Documents are JSON-like after parsing; extra fields may still hold Dates or BSON values
 * (ObjectId in embedded mode), compared by their `equals` method or their JSON form.
 */
export function sameDocument(a: unknown, b: unknown, depth = 0): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (depth > 32) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      if (!sameDocument(a[i], b[i], depth + 1)) return false;
    }
    return true;
  }
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  const protoA: unknown = Object.getPrototypeOf(a);
  const protoB: unknown = Object.getPrototypeOf(b);
  const plainA = protoA === Object.prototype || protoA === null;
  const plainB = protoB === Object.prototype || protoB === null;
  if (!plainA || !plainB) {
    if (protoA !== protoB) return false;
    const equals = (a as { equals?: unknown }).equals;
    if (typeof equals === 'function') return (equals as (o: unknown) => boolean).call(a, b);
    return JSON.stringify(a) === JSON.stringify(b);
  }
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  const recordA = a as Record<string, unknown>;
  const recordB = b as Record<string, unknown>;
  for (const key of keysA) {
    if (!Object.prototype.hasOwnProperty.call(recordB, key)) return false;
    if (!sameDocument(recordA[key], recordB[key], depth + 1)) return false;
  }
  return true;
}
