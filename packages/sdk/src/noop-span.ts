/**
 * The shared no-op span of disabled clients: one object for the whole process, so a disabled SDK
 * allocates nothing per call.
 */
import { Span } from './span.js';
import type { SpanRecorder } from './span.js';
import { snapshot } from './snapshot.js';

const EMPTY = snapshot(null);

/** Records nothing; used by disabled clients and the no-op span. */
export const NOOP_SPAN_RECORDER: SpanRecorder = {
  serviceName: '',
  capture: () => EMPTY,
  emit: () => undefined,
  report: () => undefined,
  startChild: () => NOOP_SPAN,
  startEvent: () => undefined,
};

/** The span returned by disabled clients: every method is a no-op; its ids are all zero. */
export const NOOP_SPAN: Span = new Span(
  NOOP_SPAN_RECORDER,
  '0'.repeat(32),
  '0'.repeat(16),
  undefined,
  undefined,
  'noop',
  'span',
  0,
  0,
  false,
  undefined,
);
