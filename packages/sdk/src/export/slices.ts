/**
 * The export path's share of the app's thread: work that must run on it (serializing, assembling
 * bodies, compressing small ones) runs in slices of about a millisecond, one slice per turn of the
 * event loop for the whole process, so the app's own callbacks run in between.
 */

/** Work on the app's thread yields to the event loop after this much continuous work. */
const SLICE_MS = 1;

/**
 * One slice per turn of the event loop, shared by every batch being encoded or assembled: with
 * several batches in flight (up to `maxConcurrentRequests`, and one pipeline per exporter), each
 * yielding on its own would still run one slice each in the same turn, back to back.
 */
const waitingForSlice: Array<() => void> = [];
let sliceScheduled = false;
let sliceStart = 0;

function runNextSlice(): void {
  sliceScheduled = false;
  const next = waitingForSlice.shift();
  if (waitingForSlice.length > 0) scheduleSlice();
  sliceStart = performance.now();
  next?.();
}

function scheduleSlice(): void {
  if (sliceScheduled) return;
  sliceScheduled = true;
  setImmediate(runNextSlice);
}

/** Waits for a turn of the event loop of its own; the slice starts when it resumes. */
export function nextSlice(): Promise<void> {
  return new Promise<void>((resolve) => {
    waitingForSlice.push(resolve);
    scheduleSlice();
  });
}

export const sliceSpent = () => performance.now() - sliceStart > SLICE_MS;
