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

/** Reports of one message per window before it is rate-limited... */
export const DIAGNOSTICS_PER_MESSAGE = 5;
/** ...and of one code (all messages) per window. */
export const DIAGNOSTICS_PER_CODE = 50;
export const DIAGNOSTIC_WINDOW_MS = 60_000;
/** Distinct messages tracked per window (messages carry span names, so they are unbounded). */
const MAX_TRACKED_MESSAGES = 1000;

/** The default handler: one `console.warn` line, prefixed so it is easy to grep. */
export const consoleDiagnosticHandler: InternalErrorHandler = (d) => {
  const detail = d.error instanceof Error ? `: ${d.error.message}` : '';
  console.warn(`[wisp] ${d.code}: ${d.message}${detail}`);
};

/** Counts every diagnostic by code and forwards a rate-limited subset to the handler. */
export class Diagnostics {
  readonly counts: Partial<Record<DiagnosticCode, number>> = {};
  private windowStart = 0;
  private readonly perCode = new Map<DiagnosticCode, number>();
  private readonly perMessage = new Map<string, number>();

  constructor(private readonly handler: InternalErrorHandler = consoleDiagnosticHandler) {}

  report(code: DiagnosticCode, message: string, error?: unknown): void {
    try {
      this.counts[code] = (this.counts[code] ?? 0) + 1;
      const now = Date.now();
      if (now - this.windowStart >= DIAGNOSTIC_WINDOW_MS) {
        this.windowStart = now;
        this.perCode.clear();
        this.perMessage.clear();
      }
      const byCode = this.perCode.get(code) ?? 0;
      const byMessage = this.perMessage.get(message) ?? 0;
      if (byCode >= DIAGNOSTICS_PER_CODE || byMessage >= DIAGNOSTICS_PER_MESSAGE) return;
      this.perCode.set(code, byCode + 1);
      if (this.perMessage.size < MAX_TRACKED_MESSAGES || byMessage > 0) this.perMessage.set(message, byMessage + 1);
      this.handler(error === undefined ? { code, message } : { code, message, error });
    } catch {
      // The handler itself failed: there is nowhere left to report to.
    }
  }
}
