/**
 * An OTel span's attributes, read once each: what a mapping rule takes becomes a field of the Wisp
 * span, and whatever no rule took is kept as metadata.
 */
import type { AttributeValue, Attributes } from './otel-shapes.js';

export class AttributeSet {
  private readonly taken = new Set<string>();

  constructor(private readonly attributes: Attributes) {}

  get(key: string): AttributeValue | undefined {
    return Object.hasOwn(this.attributes, key) ? this.attributes[key] : undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  hasPrefix(prefix: string): boolean {
    for (const key of Object.keys(this.attributes)) if (key.startsWith(prefix)) return true;
    return false;
  }

  /** The first of `keys` that is present; every one of them is marked as mapped. */
  take(...keys: string[]): AttributeValue | undefined {
    let found: AttributeValue | undefined;
    for (const key of keys) {
      const v = this.get(key);
      if (v === undefined) continue;
      this.taken.add(key);
      found ??= v;
    }
    return found;
  }

  takeString(...keys: string[]): string | undefined {
    const v = this.take(...keys);
    return typeof v === 'string' && v !== '' ? v : undefined;
  }

  takeNumber(...keys: string[]): number | undefined {
    const v = this.take(...keys);
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
  }

  /** Drops a key without using it (a duplicate of a value kept elsewhere). */
  drop(key: string): void {
    this.taken.add(key);
  }

  /** Every attribute under `prefix`, marked as mapped. */
  takePrefix(prefix: string): Array<[string, AttributeValue]> {
    const out: Array<[string, AttributeValue]> = [];
    for (const [key, v] of Object.entries(this.attributes)) {
      if (v === undefined || !key.startsWith(prefix)) continue;
      this.taken.add(key);
      out.push([key, v]);
    }
    return out;
  }

  /** The attributes no rule took. */
  rest(): Record<string, unknown> | undefined {
    let out: Record<string, unknown> | undefined;
    for (const [key, v] of Object.entries(this.attributes)) {
      if (v !== undefined && !this.taken.has(key)) (out ??= {})[key] = v;
    }
    return out;
  }
}
