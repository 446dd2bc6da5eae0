/**
 * Sets `target[key] = value` as an own, enumerable data property, even for the key
 * `__proto__` (plain assignment would replace the prototype instead). Every copy of data
 * from outside (MongoDB documents, socket payloads, logged values) goes through this.
 */
export function setOwnField(target: Record<string, unknown>, key: string, value: unknown): void {
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
