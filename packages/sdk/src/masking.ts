/**
 * The masking hook: a user function that sees every captured value (after built-in redaction, as
 * a bounded copy it may modify) and returns what to export instead.
 */
import type { ObservationKind } from '@wisp/protocol';

/** Where a masked value comes from. */
export interface MaskContext {
  /** `input`, `output`, `metadata`, `modelParameters`, `trace.input`, `trace.output`, `trace.metadata`. */
  field: string;
  spanName: string;
  kind: ObservationKind;
}

/**
 * Returns the value to export. Runs on the caller's tick, so keep it fast. If it throws, the value
 * is replaced by `[mask failed]` and a `mask_failed` diagnostic is reported.
 * @example mask: (value, { field }) => (field === 'input' ? '[hidden]' : value)
 */
export type MaskFunction = (value: unknown, context: MaskContext) => unknown;

export const MASK_FAILED = '[mask failed]';
