/**
 * Attributes as both sides hold them, reduced to what the mapping needs: key/value pairs in arrival
 * order. The collector feeds decoded OTLP `KeyValue`s, the SDK an OTel JS `Attributes` record.
 */
export type AttributeEntries = Iterable<readonly [key: string, value: unknown]>;

/**
 * A span's attributes while it is mapped: each rule `take`s the keys it understands, and whatever
 * no rule took is kept as metadata (`rest`). Taking marks a key as mapped even when a rule found its
 * value unusable, so a rule decides explicitly with `get` when it wants to leave a key in metadata.
 * A key given twice keeps its last value.
 */
export class AttributeBag {
  private readonly values = new Map<string, unknown>();
  private readonly taken = new Set<string>();
  /**
   * Whether some key holds `undefined`. Without one (OTLP never sends one), a `get` that answers
   * `undefined` means the key is absent: the mapping probes dozens of alias keys per span, nearly
   * all absent, and this makes each probe one hash lookup instead of two or three.
   */
  private readonly holdsUndefined: boolean;

  constructor(attributes: AttributeEntries) {
    let holdsUndefined = false;
    for (const [key, value] of attributes) {
      this.values.set(key, value);
      if (value === undefined) holdsUndefined = true;
    }
    this.holdsUndefined = holdsUndefined;
  }

  has(key: string): boolean {
    return this.values.has(key);
  }

  get(key: string): unknown {
    return this.values.get(key);
  }

  /** The value of the first present key; marks all the given keys as mapped. */
  take(...keys: string[]): unknown {
    let found: unknown;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const value = this.values.get(key);
      if (value === undefined && !(this.holdsUndefined && this.values.has(key))) continue;
      if (found === undefined) found = value;
      this.taken.add(key);
    }
    return found;
  }

  /** Like `take`, converting the value to a non-empty string. */
  takeString(...keys: string[]): string | undefined {
    const v = this.take(...keys);
    if (typeof v === 'string') return v === '' ? undefined : v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return undefined;
  }

  /** Like `take` for a number; numeric strings (int64 beyond 2^53 arrive as strings) included. */
  takeNumber(...keys: string[]): number | undefined {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const value = this.values.get(key);
      if (value === undefined && !(this.holdsUndefined && this.values.has(key))) continue;
      const n = toNumber(value);
      this.taken.add(key);
      if (n !== undefined) {
        for (const k of keys) if (this.values.has(k)) this.taken.add(k);
        return n;
      }
    }
    return undefined;
  }

  /** Every not-yet-mapped key starting with `prefix`, marked as mapped. */
  takePrefix(prefix: string): Array<[string, unknown]> {
    const out: Array<[string, unknown]> = [];
    for (const [key, value] of this.values) {
      if (key.startsWith(prefix) && !this.taken.has(key)) {
        out.push([key, value]);
        this.taken.add(key);
      }
    }
    return out;
  }

  hasPrefix(prefix: string): boolean {
    for (const key of this.values.keys()) if (key.startsWith(prefix)) return true;
    return false;
  }

  /** Marks a key as mapped without reading it. */
  drop(key: string): void {
    if (this.values.has(key)) this.taken.add(key);
  }

  /** The attributes no rule mapped, in arrival order. */
  rest(): Array<[string, unknown]> {
    const out: Array<[string, unknown]> = [];
    for (const [key, value] of this.values) if (!this.taken.has(key)) out.push([key, value]);
    return out;
  }
}

/** A finite number from a number or a numeric string, else `undefined`. */
function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}
