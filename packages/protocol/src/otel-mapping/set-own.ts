/**
 * Sets an own property even for keys like `__proto__`: attribute keys come from clients, and a plain
 * assignment of `__proto__` would change the object's prototype instead of storing the value.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else target[key] = value;
}
