/** Tells listeners which traces a commit touched, e.g. for the live view (SSE). */
export interface CommitFeed {
  /** Returns the unsubscribe function. Listeners run after the commit and must not throw. */
  subscribe(listener: (projectId: string, traceIds: readonly string[]) => void): () => void;
}
