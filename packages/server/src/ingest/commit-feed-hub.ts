/** The CommitFeed implementation: the write queue publishes each commit, listeners subscribe. */
import type { CommitFeed } from '../http/commit-feed.js';
import type { ProjectWrite } from '../store/store.js';

type Listener = (projectId: string, traceIds: readonly string[]) => void;

export class CommitFeedHub implements CommitFeed {
  private readonly listeners = new Set<Listener>();

  constructor(private readonly onListenerError: (err: unknown) => void = () => {}) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Tells every listener which traces of which project the commit touched. */
  publish(writes: readonly ProjectWrite[]): void {
    if (this.listeners.size === 0) return;
    const byProject = new Map<string, Set<string>>();
    for (const w of writes) {
      if (w.spans.length === 0) continue;
      let ids = byProject.get(w.projectId);
      if (!ids) byProject.set(w.projectId, (ids = new Set()));
      for (const s of w.spans) ids.add(s.traceId);
    }
    for (const [projectId, ids] of byProject) {
      const traceIds = [...ids];
      for (const l of this.listeners) {
        try {
          l(projectId, traceIds);
        } catch (err) {
          this.onListenerError(err);
        }
      }
    }
  }
}
