/**
 * The shape of one price: what a model costs per million tokens from a given date on. Built-in
 * entries (price-table.ts) and per-project overrides share it, so matching and costing treat both
 * the same way.
 */
export interface PriceEntry {
  /**
   * The model's base name, lowercase. It matches a model name that equals it or starts with it
   * followed by `-`, `@`, `:` or `/` (so `gpt-4o` matches `gpt-4o-2024-08-06`, never `gpt-4o1`).
   * Among matches, the longest base wins.
   */
  model: string;
  /** The vendor, for documentation and facets: `openai`, `anthropic`, `google`... */
  vendor: string;
  /**
   * When set, the entry is used only when the span's provider (normalized, see
   * `normalizeProvider`) is one of these: host-specific prices such as Llama on Groq.
   */
  hosts?: readonly string[];
  /** USD per 1 M input tokens that were not served from or written to a prompt cache. */
  input: number;
  /** USD per 1 M output tokens (reasoning tokens included, as providers bill them). */
  output: number;
  /** USD per 1 M input tokens read from the prompt cache. Defaults to `input`. */
  cacheRead?: number;
  /** USD per 1 M input tokens written to the prompt cache. Defaults to `input`. */
  cacheWrite?: number;
  /** `YYYY-MM-DD` (UTC) on which this price took effect. */
  effectiveFrom: string;
}

/**
 * A per-project price, set in the project's configuration. It wins over every built-in entry it
 * matches. Give `model` (a base name matched like built-in entries) or `pattern` (a regular
 * expression source tested against the lowercased model name), not both.
 *
 * @example
 * ```ts
 * const overrides: PriceOverride[] = [
 *   { model: 'gpt-4o', input: 2, output: 8 },              // a negotiated discount
 *   { pattern: '^my-finetune-', input: 3, output: 12 },    // models the table cannot know
 * ];
 * ```
 */
export interface PriceOverride {
  model?: string;
  pattern?: string;
  /** Restrict the override to spans of this provider (normalized: `openai`, `google`, `bedrock`...). */
  provider?: string;
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
  /** `YYYY-MM-DD`; lets an override carry a price history. Defaults to always. */
  effectiveFrom?: string;
}
