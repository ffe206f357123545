/**
 * Internal errors and API misuse never reach the app as exceptions: they are reported to one
 * replaceable handler, rate-limited per code so a bug in a hot loop cannot flood the log.
 */

/** Stable codes of SDK diagnostics. */
export type DiagnosticCode =
  | 'invalid_argument'
  | 'span_already_ended'
  | 'parent_already_ended'
  | 'client_shut_down'
  | 'mask_failed'
  | 'exporter_failed'
  | 'internal';

/** What the SDK tells the diagnostic handler. */
export interface Diagnostic {
  code: DiagnosticCode;
  message: string;
  /** The underlying error, when there is one. */
  error?: unknown;
}

/** Receives SDK diagnostics. Whatever it throws is swallowed. */
export type InternalErrorHandler = (diagnostic: Diagnostic) => void;

/** Reports per code per window before the handler is rate-limited. */
export const DIAGNOSTICS_PER_WINDOW = 5;
export const DIAGNOSTIC_WINDOW_MS = 60_000;

/** The default handler: one `console.warn` line, prefixed so it is easy to grep. */
export const consoleDiagnosticHandler: InternalErrorHandler = (d) => {
  const detail = d.error instanceof Error ? `: ${d.error.message}` : '';
  console.warn(`[wisp] ${d.code}: ${d.message}${detail}`);
};

/** Counts every diagnostic by code and forwards a rate-limited subset to the handler. */
export class Diagnostics {
  readonly counts: Partial<Record<DiagnosticCode, number>> = {};
  private readonly windows = new Map<DiagnosticCode, { start: number; reported: number }>();

  constructor(private readonly handler: InternalErrorHandler = consoleDiagnosticHandler) {}

  report(code: DiagnosticCode, message: string, error?: unknown): void {
    try {
      this.counts[code] = (this.counts[code] ?? 0) + 1;
      const now = Date.now();
      let w = this.windows.get(code);
      if (w === undefined || now - w.start >= DIAGNOSTIC_WINDOW_MS) {
        w = { start: now, reported: 0 };
        this.windows.set(code, w);
      }
      if (w.reported >= DIAGNOSTICS_PER_WINDOW) return;
      w.reported++;
      this.handler(error === undefined ? { code, message } : { code, message, error });
    } catch {
      // The handler itself failed: there is nowhere left to report to.
    }
  }
}
