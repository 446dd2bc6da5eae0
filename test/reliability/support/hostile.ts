/** fast-check generators of hostile input, shared by the fuzz suites. */
import fc from 'fast-check';

/** Keys that try prototype pollution or confuse naive code. */
export const dangerousKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '$where',
  '$set',
  '',
  'callSid',
  'status',
  'v',
  'since',
);

/** A value nested `depth` levels deep (arrays or objects). */
export function nested(depth: number, leaf: unknown = 1, asObject = false): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = asObject ? { a: value } : [value];
  return value;
}

/** An object built with JSON.parse, so `__proto__` is an own key (as it arrives off the wire). */
const pollutingObject = fc
  .dictionary(dangerousKey, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })
  .map(
    (d) =>
      JSON.parse(
        `{${Object.entries(d)
          .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
          .concat('"__proto__":{"polluted":"yes"}')
          .join(',')}}`,
      ) as unknown,
  );

/** Wrong types, huge strings, deep nesting, prototype-pollution keys and plain junk. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 3, withObjectString: true, withNullPrototype: true, withBigInt: false }),
  fc.jsonValue({ maxDepth: 4 }),
  pollutingObject,
  fc.integer({ min: 1, max: 200_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 10, max: 3000 }).chain((d) => fc.boolean().map((o) => nested(d, 'deep', o))),
  fc.constantFrom(null, undefined, NaN, Infinity, -1, 0, '', [], {}, true, '2', 2),
  fc.record(
    {
      v: fc.oneof(fc.constant(2), fc.anything()),
      since: fc.oneof(
        fc.record({
          epoch: fc.oneof(fc.string(), fc.anything()),
          seq: fc.oneof(fc.integer(), fc.double(), fc.anything()),
        }),
        fc.anything(),
      ),
      batch: fc.anything(),
    },
    { requiredKeys: [] },
  ),
);

/** True when someone managed to write onto Object.prototype. */
export function prototypePolluted(): boolean {
  const probe: Record<string, unknown> = {};
  return 'polluted' in probe || Object.keys(Object.prototype).length > 0;
}
