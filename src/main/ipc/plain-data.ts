/**
 * A guard run on every IPC payload before its schema: IPC arguments are structured clones,
 * but a compromised renderer can still send deep nesting, huge strings or prototype-pollution
 * keys, and we refuse those before any code walks them.
 */
export interface PlainDataLimits {
  maxDepth: number;
  maxNodes: number;
  maxStringLength: number;
}

export const DEFAULT_PLAIN_DATA_LIMITS: PlainDataLimits = {
  maxDepth: 16,
  maxNodes: 5_000,
  maxStringLength: 65_536,
};

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Returns null when the value is plain, bounded data, else what is wrong with it. */
export function plainDataProblem(
  value: unknown,
  limits: PlainDataLimits = DEFAULT_PLAIN_DATA_LIMITS,
): string | null {
  let nodes = 0;
  const visit = (v: unknown, depth: number, path: string): string | null => {
    nodes += 1;
    if (nodes > limits.maxNodes) return `more than ${limits.maxNodes} values`;
    if (depth > limits.maxDepth) return `${path} is nested deeper than ${limits.maxDepth} levels`;
    if (typeof v === 'string') {
      return v.length > limits.maxStringLength
        ? `${path} is longer than ${limits.maxStringLength} characters`
        : null;
    }
    if (v === null || typeof v !== 'object') {
      return typeof v === 'function' || typeof v === 'symbol' ? `${path} is a ${typeof v}` : null;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i += 1) {
        const problem = visit(v[i], depth + 1, `${path}[${i}]`);
        if (problem) return problem;
      }
      return null;
    }
    if (proto !== Object.prototype && proto !== null) return `${path} is not a plain object`;
    for (const key of Reflect.ownKeys(v)) {
      if (typeof key !== 'string') return `${path} has a symbol key`;
      if (FORBIDDEN_KEYS.has(key)) return `${path} has a forbidden key "${key}"`;
      const problem = visit((v as Record<string, unknown>)[key], depth + 1, `${path}.${key}`);
      if (problem) return problem;
    }
    return null;
  };
  return visit(value, 0, 'arguments');
}
