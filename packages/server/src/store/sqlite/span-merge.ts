/**
 * Order-insensitive, idempotent merge of span events into one span state (no I/O).
 *
 * Every mergeable field keeps the event time that set it. An event sets a field it carries when
 * (priority, time, value) of the event beats what is stored, compared in that order:
 * - mutable fields: later `time` wins; on equal times the greater value wins (numbers numerically,
 *   strings and JSON text lexicographically; payloads by a hash of their JSON), so ties never
 *   depend on arrival order;
 * - immutable fields (startTime, parentId): the EARLIEST event carrying them wins (ties: the smaller
 *   value), so "fixed once set" holds whatever order events arrive in;
 * - status: a terminal status (ok/error, from an end/full event or sent explicitly) outranks
 *   `abandoned`, which outranks `running`, whatever the times: a late `start` never reverts an
 *   ended span. Among terminal statuses the later time wins.
 * Applying the same event twice changes nothing; applying a set of events in any order gives the
 * same state, because each field's final value is the maximum of a total order over its candidates.
 */
import type { ObservationKind, ObservationStatus, Level, Usage } from '@wisp/protocol';
import { OBSERVATION_KINDS, LEVELS } from '@wisp/protocol';
import type { PreparedPayload, PreparedSpanEvent } from './prepared-event.js';

/** Fields with merge state, in a fixed order: their position is their code in the stored state. */
const FIELDS = [
  'name',
  'kind',
  'endTime',
  'status',
  'level',
  'statusMessage',
  'error',
  'service',
  'provider',
  'model',
  'modelParameters',
  'usage',
  'cost',
  'completionStartTime',
  'stream',
  'metadata',
  'input',
  'output',
  'startTime',
  'parentId',
] as const;
type Field = (typeof FIELDS)[number];
const FIELD_INDEX = Object.fromEntries(FIELDS.map((f, i) => [f, i])) as Record<Field, number>;

const STATUS_PRIORITY: Record<ObservationStatus, number> = { running: 0, abandoned: 1, ok: 2, error: 2 };
const KINDS = new Set<string>(OBSERVATION_KINDS);
const LEVEL_SET = new Set<string>(LEVELS);

/** A span as stored (observations row + payload), with the merge times of its fields. */
export interface SpanState {
  spanId: string;
  parentId: string | null;
  name: string | null;
  kind: ObservationKind;
  startTime: number | null;
  endTime: number | null;
  status: ObservationStatus;
  level: Level;
  statusMessage: string | null;
  /** JSON of ErrorInfo. */
  error: string | null;
  errorType: string | null;
  errorMessage: string | null;
  service: string | null;
  provider: string | null;
  model: string | null;
  /** JSON. */
  modelParameters: string | null;
  /** Canonical JSON of Usage (fixed key order). */
  usage: string | null;
  cost: number | null;
  /** The cost came from the price table, not from the client. */
  costComputed: boolean;
  completionStartTime: number | null;
  stream: string | null;
  metadata: string | null;
  /** JSON of the input; `undefined` when unknown here (stored in observation_payloads). */
  input: string | undefined;
  output: string | undefined;
  inputBytes: number;
  outputBytes: number;
  /** Payload text changed by this merge and must be written. */
  payloadDirty: boolean;
  /** Field -> event time of the value held. */
  times: Array<number | undefined>;
  inputHash: string | null;
  outputHash: string | null;
  /** `usage` parsed, for the text it was parsed from. */
  usageCache?: { text: string; usage: Usage };
  /** The payload when this merge changed it (a root's becomes the trace preview). */
  inputNew?: PreparedPayload;
  outputNew?: PreparedPayload;
}

export function newSpanState(spanId: string): SpanState {
  return {
    spanId,
    parentId: null,
    name: null,
    kind: 'span',
    startTime: null,
    endTime: null,
    status: 'running',
    level: 'default',
    statusMessage: null,
    error: null,
    errorType: null,
    errorMessage: null,
    service: null,
    provider: null,
    model: null,
    modelParameters: null,
    usage: null,
    cost: null,
    costComputed: false,
    completionStartTime: null,
    stream: null,
    metadata: null,
    input: undefined,
    output: undefined,
    inputBytes: 0,
    outputBytes: 0,
    payloadDirty: false,
    times: new Array<number | undefined>(FIELDS.length),
    inputHash: null,
    outputHash: null,
  };
}

type Scalar = string | number | null;

function compareScalar(a: Scalar, b: Scalar): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

/** Whether an event at `time` with value `next` replaces the value held for a mutable field. */
function wins(s: SpanState, field: Field, time: number, next: Scalar, current: Scalar): boolean {
  const i = FIELD_INDEX[field];
  const held = s.times[i];
  if (held === undefined || time > held || (time === held && compareScalar(next, current) > 0)) {
    s.times[i] = time;
    return true;
  }
  return false;
}

/** Whether an event at `time` with `next` replaces an immutable field (earliest event wins). */
function winsEarliest(s: SpanState, field: Field, time: number, next: Scalar, current: Scalar): boolean {
  const i = FIELD_INDEX[field];
  const held = s.times[i];
  if (held === undefined || time < held || (time === held && compareScalar(next, current) < 0)) {
    s.times[i] = time;
    return true;
  }
  return false;
}

/** Usage with a fixed key order and only non-negative finite counts, or null when empty. */
export function canonicalUsage(u: Usage | undefined): string | null {
  if (!u || typeof u !== 'object') return null;
  const out: Usage = {};
  for (const k of ['input', 'output', 'cacheRead', 'cacheWrite', 'reasoning', 'total'] as const) {
    const v = u[k];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) out[k] = v;
  }
  // `total` defaults to input + output: drop it when it says nothing more, so a stored row and the
  // event that wrote it have the same canonical form.
  if (out.total !== undefined && out.total === (out.input ?? 0) + (out.output ?? 0)) delete out.total;
  return Object.keys(out).length === 0 ? null : JSON.stringify(out);
}

/** FNV-1a over the JSON text: a cheap, stable tie-break key for payloads we do not keep in memory. */
export function payloadHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36) + ':' + text.length.toString(36);
}

/** Applies one event. Returns nothing; the state is updated in place. */
export function applySpanEvent(s: SpanState, e: PreparedSpanEvent): void {
  const t = e.time;
  if (e.startTime !== undefined && winsEarliest(s, 'startTime', t, e.startTime, s.startTime)) s.startTime = e.startTime;
  if (e.parentId !== undefined && winsEarliest(s, 'parentId', t, e.parentId, s.parentId)) s.parentId = e.parentId;
  if (e.name !== undefined && wins(s, 'name', t, e.name, s.name)) s.name = e.name;
  if (e.kind !== undefined && KINDS.has(e.kind) && wins(s, 'kind', t, e.kind, s.kind)) s.kind = e.kind;

  const ends = e.phase === 'end' || e.phase === 'full';
  const endTime = e.endTime ?? (ends ? t : undefined);
  if (endTime !== undefined && wins(s, 'endTime', t, endTime, s.endTime)) s.endTime = endTime;
  let status: ObservationStatus | undefined;
  if (e.status === 'ok' || e.status === 'error') status = e.status;
  else if (ends) status = e.error ? 'error' : 'ok';
  if (status !== undefined) applyStatus(s, t, status);

  if (e.level !== undefined && LEVEL_SET.has(e.level) && wins(s, 'level', t, e.level, s.level)) s.level = e.level;
  if (e.statusMessage !== undefined && wins(s, 'statusMessage', t, e.statusMessage, s.statusMessage)) s.statusMessage = e.statusMessage;
  if (e.error !== undefined && wins(s, 'error', t, e.error, s.error)) {
    s.error = e.error;
    s.errorType = e.errorType ?? null;
    s.errorMessage = e.errorMessage ?? null;
  }
  if (e.service !== undefined && wins(s, 'service', t, e.service, s.service)) s.service = e.service;
  if (e.provider !== undefined && wins(s, 'provider', t, e.provider, s.provider)) s.provider = e.provider;
  if (e.model !== undefined && wins(s, 'model', t, e.model, s.model)) s.model = e.model;
  if (e.modelParameters !== undefined && wins(s, 'modelParameters', t, e.modelParameters, s.modelParameters)) s.modelParameters = e.modelParameters;
  if (e.usage !== undefined && wins(s, 'usage', t, e.usage, s.usage)) s.usage = e.usage;
  if (e.cost !== undefined && Number.isFinite(e.cost) && wins(s, 'cost', t, e.cost, s.costComputed ? null : s.cost)) {
    s.cost = e.cost;
    s.costComputed = false;
  }
  if (e.completionStartTime !== undefined && wins(s, 'completionStartTime', t, e.completionStartTime, s.completionStartTime)) {
    s.completionStartTime = e.completionStartTime;
  }
  if (e.stream !== undefined && wins(s, 'stream', t, e.stream, s.stream)) s.stream = e.stream;
  if (e.metadata !== undefined && wins(s, 'metadata', t, e.metadata, s.metadata)) s.metadata = e.metadata;
  const input = e.input;
  if (input !== undefined && wins(s, 'input', t, input.hash, s.inputHash) && input.hash !== s.inputHash) {
    s.input = input.json;
    s.inputHash = input.hash;
    s.inputBytes = input.bytes;
    s.inputNew = input;
    s.payloadDirty = true;
  }
  const output = e.output;
  if (output !== undefined && wins(s, 'output', t, output.hash, s.outputHash) && output.hash !== s.outputHash) {
    s.output = output.json;
    s.outputHash = output.hash;
    s.outputBytes = output.bytes;
    s.outputNew = output;
    s.payloadDirty = true;
  }
}

function applyStatus(s: SpanState, time: number, status: ObservationStatus): void {
  const i = FIELD_INDEX.status;
  const held = s.times[i];
  const p = STATUS_PRIORITY[status];
  const q = STATUS_PRIORITY[s.status];
  const replace =
    p > q ||
    (p === q && (held === undefined || time > held || (time === held && compareScalar(status, s.status) > 0)));
  if (replace) {
    s.status = status;
    s.times[i] = time;
  }
}

/** Duration in ms (never negative), or null while the span has not ended. */
export function durationOf(s: SpanState): number | null {
  if (s.startTime === null || s.endTime === null) return null;
  return roundMicros(Math.max(0, s.endTime - s.startTime));
}

/** Differences of epoch-ms floats carry binary noise (4366.3369140625); keep microseconds. */
export function roundMicros(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** Time to first token in ms, or null. */
export function ttftOf(s: SpanState): number | null {
  if (s.startTime === null || s.completionStartTime === null) return null;
  return roundMicros(Math.max(0, s.completionStartTime - s.startTime));
}

/** Whether a client sent a cost for this span (then it is never recomputed). */
export function hasClientCost(s: SpanState): boolean {
  return s.times[FIELD_INDEX.cost] !== undefined;
}

/**
 * The stored merge state: "t0,t1,...;codes;inputHash;outputHash" where codes has one character per
 * field of FIELDS: '.' for never set, else the base-36 index of its time in the list. Spans
 * usually have two distinct times (start and end), so this takes ~60 bytes instead of a JSON map.
 */
export function encodeMergeState(s: SpanState): string {
  let timesText = '';
  let distinct = 0;
  let codes = '';
  const held = s.times;
  for (let i = 0; i < held.length; i++) {
    const t = held[i];
    if (t === undefined) {
      codes += '.';
      continue;
    }
    let k = 0;
    while (k < distinct && held[firstIndex[k]!] !== t) k++;
    if (k === distinct) {
      firstIndex[distinct++] = i;
      timesText = k === 0 ? String(t) : timesText + ',' + t;
    }
    codes += BASE36[k];
  }
  return timesText + ';' + codes + ';' + (s.inputHash ?? '') + ';' + (s.outputHash ?? '');
}

/** Scratch for encodeMergeState: the field index where each distinct time first appears. */
const firstIndex: number[] = new Array<number>(FIELDS.length).fill(0);
const BASE36 = Array.from({ length: FIELDS.length }, (_, k) => k.toString(36));

export function decodeMergeState(s: SpanState, text: string): void {
  const [timesText = '', codes = '', ih = '', oh = ''] = text.split(';');
  const times = timesText === '' ? [] : timesText.split(',').map(Number);
  for (let i = 0; i < FIELDS.length; i++) {
    const c = codes[i];
    s.times[i] = c === undefined || c === '.' ? undefined : times[parseInt(c, 36)];
  }
  s.inputHash = ih === '' ? null : ih;
  s.outputHash = oh === '' ? null : oh;
}

/** Parsed usage of a state, or null (parsed once per text: several steps of a write need it). */
export function usageOf(s: SpanState): Usage | null {
  if (s.usage === null) return null;
  if (s.usageCache?.text === s.usage) return s.usageCache.usage;
  const usage = JSON.parse(s.usage) as Usage;
  s.usageCache = { text: s.usage, usage };
  return usage;
}
