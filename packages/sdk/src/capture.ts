/**
 * Capturing a value for a span: the bounded, redacted snapshot, then the user's masking hook.
 */
import type { DiagnosticCode } from './diagnostics.js';
import type { MaskFunction } from './masking.js';
import { MASK_FAILED } from './masking.js';
import type { Snapshot, SnapshotLimits } from './snapshot.js';
import { snapshot } from './snapshot.js';
import type { CaptureField, Span } from './span.js';

export type Capture = (value: unknown, field: CaptureField, span: Span) => Snapshot;

const FAILED: Snapshot = Object.freeze({ value: MASK_FAILED, bytes: MASK_FAILED.length + 2, truncated: true });

export function createCapture(
  limits: SnapshotLimits,
  redact: boolean,
  mask: MaskFunction | undefined,
  report: (code: DiagnosticCode, message: string, error?: unknown) => void,
): Capture {
  if (mask === undefined) return (value) => snapshot(value, limits, redact);
  return (value, field, span) => {
    const snap = snapshot(value, limits, redact);
    try {
      const masked = mask(snap.value, { field, spanName: span.name, kind: span.kind });
      // What the mask returns is bounded again: it may have built something large.
      return masked === snap.value ? snap : snapshot(masked, limits, false);
    } catch (err) {
      report('mask_failed', `mask threw for ${field} of span "${span.name}"; the value is replaced`, err);
      return FAILED;
    }
  };
}
