/** Helpers over BSON values as the `bson` package deserializes them. */
import { EJSON, type Document } from 'bson';

type Tagged = { _bsontype?: string; toHexString?: () => string };

export function isPlainObject(value: unknown): value is Document {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  if ((value as Tagged)._bsontype) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Sets a field, even one named `__proto__` (MongoDB stores it as an ordinary field; plain
 * assignment would replace the copy's prototype instead). The emulator imports nothing from
 * the rest of src (docs/architecture.md, zones), so this is its own copy of the rule in
 * src/shared/own-field.ts.
 */
export function setField(target: Document, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    target[key] = value;
  }
}

/** Deep copy of plain objects and arrays; BSON value objects are shared (treated as immutable). */
export function clone<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clone) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (isPlainObject(value)) {
    const out: Document = {};
    for (const key of Object.keys(value)) setField(out, key, clone(value[key]));
    return out as T;
  }
  return value;
}

/** A string that is equal for values MongoDB considers equal as index keys. */
export function keyOf(value: unknown): string {
  if (value === undefined || value === null) return 'z';
  if (typeof value === 'string') return `s${value}`;
  if (typeof value === 'number') return `n${value}`;
  if (typeof value === 'boolean') return value ? 'bt' : 'bf';
  if (value instanceof Date) return `d${value.getTime()}`;
  const tagged = value as Tagged;
  if (tagged._bsontype === 'ObjectId' && tagged.toHexString) return `o${tagged.toHexString()}`;
  if (
    tagged._bsontype === 'Long' ||
    tagged._bsontype === 'Int32' ||
    tagged._bsontype === 'Double'
  ) {
    return `n${Number(String(value))}`;
  }
  return `j${EJSON.stringify(value as Document, { relaxed: false })}`;
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => valuesEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k, i) => kb[i] === k && valuesEqual(a[k], b[k]));
  }
  if (isPlainObject(a) || isPlainObject(b)) return false;
  return keyOf(a) === keyOf(b);
}

/** Value at a dotted path (first element for paths through arrays is not expanded). */
export function getPath(doc: Document, path: string): unknown {
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Document)[part];
  }
  return current;
}

export interface UpdateDescription {
  updatedFields: Document;
  removedFields: string[];
  truncatedArrays: { field: string; newSize: number }[];
}

/** One step of a path: a field name, or an array index (a number). */
type Step = string | number;

export interface UpdateChange {
  description: UpdateDescription;
  /**
   * `updateDescription.disambiguatedPaths` (reported with `showExpandedEvents`): for each path
   * above holding a field name that is all digits or contains a dot, the path as an array
   * whose array indexes are integers.
   */
  disambiguatedPaths: Document;
}

/**
 * What changed from `before` to `after`, in the shape of a change event's updateDescription;
 * like a server's delta, it descends into embedded documents and into array elements.
 */
export function describeUpdate(before: Document, after: Document): UpdateChange {
  const out: UpdateChange = {
    description: { updatedFields: {}, removedFields: [], truncatedArrays: [] },
    disambiguatedPaths: {},
  };
  diffObjects(before, after, [], out);
  return out;
}

/** The dotted form of `steps`, noting the steps too when the dotted form is ambiguous. */
function pathOf(steps: Step[], out: UpdateChange): string {
  const dotted = steps.join('.');
  const ambiguous = steps.some(
    (s) => typeof s === 'string' && (/^\d+$/.test(s) || s.includes('.')),
  );
  if (ambiguous) out.disambiguatedPaths[dotted] = [...steps];
  return dotted;
}

function diffValues(a: unknown, b: unknown, steps: Step[], out: UpdateChange) {
  if (isPlainObject(a) && isPlainObject(b)) diffObjects(a, b, steps, out);
  else if (Array.isArray(a) && Array.isArray(b)) diffArrays(a, b, steps, out);
  else if (!valuesEqual(a, b)) out.description.updatedFields[pathOf(steps, out)] = clone(b);
}

function diffObjects(before: Document, after: Document, steps: Step[], out: UpdateChange) {
  for (const key of Object.keys(before)) {
    if (!(key in after)) out.description.removedFields.push(pathOf([...steps, key], out));
  }
  for (const key of Object.keys(after)) {
    if (!(key in before))
      out.description.updatedFields[pathOf([...steps, key], out)] = clone(after[key]);
    else diffValues(before[key], after[key], [...steps, key], out);
  }
}

function diffArrays(before: unknown[], after: unknown[], steps: Step[], out: UpdateChange) {
  if (after.length < before.length) {
    out.description.truncatedArrays.push({ field: pathOf(steps, out), newSize: after.length });
  }
  for (let i = 0; i < after.length; i++) {
    if (i >= before.length)
      out.description.updatedFields[pathOf([...steps, i], out)] = clone(after[i]);
    else diffValues(before[i], after[i], [...steps, i], out);
  }
}
